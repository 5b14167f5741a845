// toml++'s compiled part, built into poolaudit instead of loaded from libtomlplusplus.so: one
// shared library fewer for the dynamic loader to relocate at every start (issue 16). The headers
// are used as everywhere else in the build (TOML_HEADER_ONLY=0, see src/CMakeLists.txt); this is
// the one translation unit that holds the definitions.
#define TOML_IMPLEMENTATION
#include <toml++/toml.h>
