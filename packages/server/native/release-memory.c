/*
 * Two ways of giving memory back that Node has no call for:
 * - trim(): malloc_trim(0), the C library's free memory back to the system, including the free pages
 *   inside its heap that freeing alone never returns (glibc only shrinks the heap from its top);
 *   elsewhere than glibc it does nothing and answers false.
 * - dropPageCache(fd, offset, length): posix_fadvise(POSIX_FADV_DONTNEED), the kernel's cached
 *   pages of a file range let go (the range must be on disk already: dirty pages are not dropped);
 *   false where the system has no such advice or refuses it.
 * `trimSupported` and `dropPageCacheSupported` say whether each does anything here.
 */
#include <node_api.h>
#include "napi-export.h"
#include <fcntl.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#if defined(__GLIBC__)
#define TRIM_SUPPORTED 1
#else
#define TRIM_SUPPORTED 0
#endif
#if defined(POSIX_FADV_DONTNEED)
#define DROP_PAGE_CACHE_SUPPORTED 1
#else
#define DROP_PAGE_CACHE_SUPPORTED 0
#endif

static napi_value Boolean(napi_env env, int value) {
  napi_value result;
  napi_get_boolean(env, value, &result);
  return result;
}

static napi_value Trim(napi_env env, napi_callback_info info) {
  int released = 0;
#if TRIM_SUPPORTED
  released = malloc_trim(0);
#endif
  return Boolean(env, released != 0);
}

static napi_value DropPageCache(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  int32_t fd = -1;
  int64_t offset = 0, length = 0;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 3 ||
      napi_get_value_int32(env, argv[0], &fd) != napi_ok ||
      napi_get_value_int64(env, argv[1], &offset) != napi_ok ||
      napi_get_value_int64(env, argv[2], &length) != napi_ok || fd < 0 || offset < 0 || length < 0) {
    return Boolean(env, 0);
  }
#if DROP_PAGE_CACHE_SUPPORTED
  return Boolean(env, posix_fadvise(fd, offset, length, POSIX_FADV_DONTNEED) == 0);
#else
  return Boolean(env, 0);
#endif
}

static napi_value Init(napi_env env, napi_value exports) {
  Export(env, exports, "trim", Trim);
  Export(env, exports, "dropPageCache", DropPageCache);
  napi_set_named_property(env, exports, "trimSupported", Boolean(env, TRIM_SUPPORTED));
  napi_set_named_property(env, exports, "dropPageCacheSupported", Boolean(env, DROP_PAGE_CACHE_SUPPORTED));
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
