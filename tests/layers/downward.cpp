// A services unit that includes only itself and the layers below it: this must compile, so that
// the refusal of upward.cpp is the rule at work and not broken flags.
#include "core/error.hpp"
#include "domain/model.hpp"
#include "storage/store.hpp"
#include "services/context.hpp"
