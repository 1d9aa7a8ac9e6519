// A services unit that includes the api layer above it: the layer rule must refuse to compile it.
#include "storage/store.hpp"
#include "api/handler.hpp"
