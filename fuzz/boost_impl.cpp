// Boost.JSON and Boost.URL compiled once for the fuzz targets, with the sanitizers and the
// fuzzer's coverage, so that a parse the fuzzer steers through them is seen as new ground.
#include <boost/json/src.hpp>
#include <boost/url/src.hpp>
