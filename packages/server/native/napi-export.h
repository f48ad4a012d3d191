/* What the addons share: a C function set as a named property of the module's exports. */
#ifndef MWUP_NAPI_EXPORT_H
#define MWUP_NAPI_EXPORT_H
#include <node_api.h>

static inline void Export(napi_env env, napi_value exports, const char *name, napi_callback cb) {
  napi_value fn;
  napi_create_function(env, name, NAPI_AUTO_LENGTH, cb, NULL, &fn);
  napi_set_named_property(env, exports, name, fn);
}

#endif
