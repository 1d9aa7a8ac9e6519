// The OpenAPI document (docs/openapi.json, compiled in) must describe exactly the routes that
// add_routes() registers: every route documented with its method, nothing documented that the
// server does not serve, unique operation ids, and no dangling $ref.
#include "api/api.hpp"
#include "net/http_server.hpp"
#include "storage/store.hpp"

#include <boost/asio/thread_pool.hpp>
#include <boost/beast/http/verb.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <filesystem>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace siaga::api {
namespace {

namespace json = boost::json;
namespace fs = std::filesystem;

const std::set<std::string> http_methods = {"get", "put", "post", "delete", "options", "head", "patch", "trace"};

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// Collects every "$ref" value anywhere in v.
void collect_refs(const json::value& v, std::vector<std::string>& out) {
  if (v.is_object()) {
    for (const auto& kv : v.as_object()) {
      if (kv.key() == "$ref" && kv.value().is_string()) {
        out.emplace_back(kv.value().as_string());
      } else {
        collect_refs(kv.value(), out);
      }
    }
  } else if (v.is_array()) {
    for (const auto& item : v.as_array()) collect_refs(item, out);
  }
}

class openapi_document_test : public ::testing::Test {
 protected:
  void SetUp() override {
    auto stamp = std::chrono::steady_clock::now().time_since_epoch().count();
    dir_ = fs::temp_directory_path() / ("siaga-openapi-test-" + std::to_string(stamp));
    fs::create_directories(dir_);
    storage::sqlite_options opts;
    opts.path = (dir_ / "siaga.db").string();
    auto st = storage::open_sqlite(opts);
    ASSERT_TRUE(st) << st.error().message;
    store_ = std::move(*st);
    auto migrated = store_->migrate();
    ASSERT_TRUE(migrated) << migrated.error().message;

    deps_ = std::make_unique<api_deps>(api_deps{*store_, clock_, ids_, random_, blocking_, api_options{}});
    add_routes(router_, *deps_);

    boost::system::error_code ec;
    doc_ = json::parse(openapi_document(), ec);
    ASSERT_FALSE(ec) << "openapi_document() is not valid JSON: " << ec.message();
    ASSERT_TRUE(doc_.is_object()) << "the OpenAPI document must be a JSON object";
    auto* paths = doc_.as_object().if_contains("paths");
    ASSERT_NE(paths, nullptr) << "the OpenAPI document has no \"paths\"";
    ASSERT_TRUE(paths->is_object());
    paths_ = &paths->as_object();
  }

  void TearDown() override {
    blocking_.join();
    if (store_) store_->close();
    store_.reset();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  // Every (path, method) the document has an operation for that add_routes serves; operations
  // marked "x-served-by": "channels" (the messaging webhooks, channels/messaging.cpp) are added
  // by the channels layer and checked over the real server (tests/messaging_channels_test.cpp).
  std::set<std::pair<std::string, std::string>> documented() const {
    std::set<std::pair<std::string, std::string>> out;
    for (const auto& [path, item] : *paths_) {
      if (!item.is_object()) continue;
      for (const auto& [key, op] : item.as_object()) {
        const auto* by = op.is_object() ? op.as_object().if_contains("x-served-by") : nullptr;
        if (by && by->is_string() && by->get_string() == "channels") continue;
        if (http_methods.count(std::string(key))) out.emplace(std::string(path), std::string(key));
      }
    }
    return out;
  }

  std::set<std::pair<std::string, std::string>> served() const {
    std::set<std::pair<std::string, std::string>> out;
    for (const auto& r : router_.routes()) out.emplace(r.pattern, lower(boost::beast::http::to_string(r.method)));
    return out;
  }

  fs::path dir_;
  std::unique_ptr<storage::store> store_;
  core::system_clock clock_;
  core::secure_random random_;
  core::id_generator ids_{random_};
  boost::asio::thread_pool blocking_{1};
  std::unique_ptr<api_deps> deps_;
  net::router router_;
  json::value doc_;
  const json::object* paths_ = nullptr;
};

TEST_F(openapi_document_test, is_an_openapi_3_object) {
  const auto& o = doc_.as_object();
  auto* version = o.if_contains("openapi");
  ASSERT_NE(version, nullptr);
  ASSERT_TRUE(version->is_string());
  EXPECT_TRUE(std::string_view(version->as_string()).starts_with("3.")) << version->as_string();
  auto* info = o.if_contains("info");
  ASSERT_NE(info, nullptr);
  ASSERT_TRUE(info->is_object());
  EXPECT_NE(info->as_object().if_contains("title"), nullptr);
  EXPECT_NE(info->as_object().if_contains("version"), nullptr);
}

TEST_F(openapi_document_test, has_no_at_sign) {
  // The document is embedded through CMake's configure_file(@ONLY), which would eat @VAR@.
  EXPECT_EQ(openapi_document().find('@'), std::string_view::npos);
}

TEST_F(openapi_document_test, every_route_is_documented) {
  ASSERT_FALSE(router_.routes().empty());
  for (const auto& r : router_.routes()) {
    auto method = lower(boost::beast::http::to_string(r.method));
    auto* item = paths_->if_contains(r.pattern);
    ASSERT_NE(item, nullptr) << "route " << r.pattern << " is missing from the OpenAPI paths";
    ASSERT_TRUE(item->is_object()) << r.pattern;
    auto* op = item->as_object().if_contains(method);
    EXPECT_NE(op, nullptr) << "route " << method << " " << r.pattern << " is not documented";
    if (op) {
      EXPECT_TRUE(op->is_object()) << method << " " << r.pattern;
    }
  }
}

TEST_F(openapi_document_test, every_documented_operation_is_a_route) {
  auto routes = served();
  auto docs = documented();
  for (const auto& [path, method] : docs) {
    EXPECT_TRUE(routes.count({path, method})) << "documented " << method << " " << path
                                              << " is not a route of the server";
  }
  EXPECT_EQ(docs.size(), routes.size());
}

TEST_F(openapi_document_test, path_parameters_are_declared) {
  // Each {name} in a path has a path parameter of that name (on the path item or the operation).
  for (const auto& [path, method] : documented()) {
    std::vector<std::string> names;
    for (std::size_t open = path.find('{'); open != std::string::npos; open = path.find('{', open + 1)) {
      names.push_back(path.substr(open + 1, path.find('}', open) - open - 1));
    }
    auto declared = [&](const json::value* params, const std::string& name) {
      if (!params || !params->is_array()) return false;
      for (const auto& p : params->as_array()) {
        const json::value* target = &p;
        if (p.is_object() && p.as_object().contains("$ref")) {
          boost::system::error_code ec;
          auto ref = std::string_view(p.as_object().at("$ref").as_string());
          target = ref.starts_with("#") ? doc_.find_pointer(ref.substr(1), ec) : nullptr;
        }
        if (target && target->is_object()) {
          const auto& o = target->as_object();
          auto* n = o.if_contains("name");
          auto* in = o.if_contains("in");
          if (n && in && n->is_string() && in->is_string() && n->as_string() == name && in->as_string() == "path") {
            return true;
          }
        }
      }
      return false;
    };
    const auto& item = paths_->at(path).as_object();
    const auto& op = item.at(method).as_object();
    for (const auto& name : names) {
      EXPECT_TRUE(declared(item.if_contains("parameters"), name) || declared(op.if_contains("parameters"), name))
          << method << " " << path << " does not declare path parameter " << name;
    }
  }
}

TEST_F(openapi_document_test, operation_ids_are_present_and_unique) {
  std::set<std::string> seen;
  for (const auto& [path, method] : documented()) {
    const auto& op = paths_->at(path).as_object().at(method).as_object();
    auto* id = op.if_contains("operationId");
    ASSERT_NE(id, nullptr) << method << " " << path << " has no operationId";
    ASSERT_TRUE(id->is_string()) << method << " " << path;
    EXPECT_FALSE(id->as_string().empty()) << method << " " << path;
    EXPECT_TRUE(seen.insert(std::string(id->as_string())).second)
        << "operationId " << id->as_string() << " is used twice (again on " << method << " " << path << ")";
  }
}

TEST_F(openapi_document_test, every_ref_points_to_a_component) {
  std::vector<std::string> refs;
  collect_refs(doc_, refs);
  EXPECT_FALSE(refs.empty());
  for (const auto& ref : refs) {
    ASSERT_TRUE(ref.starts_with("#/components/")) << "unexpected $ref " << ref;
    boost::system::error_code ec;
    auto* target = doc_.find_pointer(std::string_view(ref).substr(1), ec);
    EXPECT_TRUE(target != nullptr && !ec) << "$ref " << ref << " points to nothing";
  }
}

}  // namespace
}  // namespace siaga::api
