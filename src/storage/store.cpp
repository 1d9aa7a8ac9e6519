#include "storage/store.hpp"

#include <future>

namespace siaga::storage {

result<void> store::write(write_command command) {
  std::promise<result<void>> promise;
  auto future = promise.get_future();
  submit(std::move(command), [&promise](result<void> r) { promise.set_value(std::move(r)); });
  return future.get();
}

}  // namespace siaga::storage
