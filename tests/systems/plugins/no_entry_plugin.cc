// A shared library that is not an mtbench plugin (no entry points): loading it must be a
// clear error, not a crash.

extern "C" __attribute__((visibility("default"))) int some_other_library_function() {
  return 42;
}
