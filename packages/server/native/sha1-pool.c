/*
 * SHA-1 hashed on libuv's thread pool instead of the JavaScript thread, with the OpenSSL that Node
 * itself carries (its SHA1_* functions, on the CPU's SHA instructions where it has them), and a
 * state that can be saved and continued by another process.
 *
 * - create(state?): a new hash (an external value; its memory is freed when it is collected), or
 *   one continuing `state` (a Uint8Array made by save()); throws for a state that is not one.
 * - save(hash): the state after every byte given, as a Buffer: the five words of the hash
 *   (big-endian), the count of bytes hashed (64 bits, big-endian), then the bytes of the last,
 *   incomplete block (count % 64 of them). The hash is then finished. Throws while an update runs.
 * - update(hash, parts, done): hash the Uint8Arrays of the array `parts`, in order, on the pool;
 *   `done(ok)` is called on the JavaScript thread once they are hashed. The bytes are read where they
 *   are (no copy): the caller must not change them before `done`. One update at a time per hash: a
 *   second one while the first runs throws.
 * - updateSync(hash, bytes): hash a Uint8Array at once, on the calling thread (same rules).
 * - digest(hash): the 20-byte digest of every byte given, as a Buffer; the hash is then finished
 *   (further calls throw). Throws while an update runs.
 */
#include <node_api.h>
#include "napi-export.h"
#include "sha1-portable.h"
#include <stdlib.h>

typedef struct {
  SHA_CTX ctx;
  int busy;
  int finished;
} Hash;

typedef struct {
  const uint8_t *data;
  size_t length;
} Part;

typedef struct {
  Hash *hash;
  Part *parts;
  size_t count;
  int ok;
  /* The hash, the array of parts and the callback stay alive until the update is done. */
  napi_ref hash_ref;
  napi_ref parts_ref;
  napi_ref done_ref;
  napi_async_work work;
} Update;

static void FreeHash(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  free(data);
}

static napi_value Throw(napi_env env, const char *message) {
  napi_throw_error(env, NULL, message);
  return NULL;
}

static Hash *GetHash(napi_env env, napi_value value) {
  void *data = NULL;
  napi_valuetype type;
  if (napi_typeof(env, value, &type) != napi_ok || type != napi_external) return NULL;
  if (napi_get_value_external(env, value, &data) != napi_ok) return NULL;
  return data;
}

/* The hash `value` if it can take bytes now; otherwise NULL, with the reason thrown. */
static Hash *ReadyHash(napi_env env, napi_value value) {
  Hash *hash = GetHash(env, value);
  const char *refusal = !hash ? "not a SHA-1"
                        : hash->finished ? "the SHA-1 is finished"
                        : hash->busy ? "the SHA-1 is being updated"
                        : NULL;
  if (refusal) {
    Throw(env, refusal);
    return NULL;
  }
  return hash;
}

/* Continue `hash` from a saved state; 0 if `bytes` is not one. */
static int Restore(Hash *hash, const uint8_t *bytes, size_t length) {
  return RestoreSha1(&hash->ctx, bytes, length);
}

static napi_value Create(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_valuetype type = napi_undefined;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return Throw(env, "create(state?)");
  if (argc >= 1 && napi_typeof(env, argv[0], &type) != napi_ok) return Throw(env, "create(state?)");
  Hash *hash = calloc(1, sizeof *hash);
  if (!hash) return Throw(env, "out of memory");
  SHA1_Init(&hash->ctx);
  if (type != napi_undefined && type != napi_null) {
    napi_typedarray_type array_type;
    void *bytes = NULL;
    size_t length = 0;
    bool is_typed = false;
    if (napi_is_typedarray(env, argv[0], &is_typed) != napi_ok || !is_typed ||
        napi_get_typedarray_info(env, argv[0], &array_type, &length, &bytes, NULL, NULL) != napi_ok ||
        array_type != napi_uint8_array || !Restore(hash, bytes, length)) {
      free(hash);
      return Throw(env, "not a saved SHA-1 state");
    }
  }
  napi_value result;
  if (napi_create_external(env, hash, FreeHash, NULL, &result) != napi_ok) {
    free(hash);
    return Throw(env, "cannot create a SHA-1");
  }
  return result;
}

static void Execute(napi_env env, void *data) {
  (void)env;
  Update *update = data;
  update->ok = 1;
  for (size_t i = 0; i < update->count && update->ok; i++) {
    update->ok = SHA1_Update(&update->hash->ctx, update->parts[i].data, update->parts[i].length) == 1;
  }
}

static void Complete(napi_env env, napi_status status, void *data) {
  Update *update = data;
  napi_value done, global, ok;
  update->hash->busy = 0;
  napi_get_reference_value(env, update->done_ref, &done);
  napi_get_global(env, &global);
  napi_get_boolean(env, status == napi_ok && update->ok, &ok);
  napi_delete_reference(env, update->hash_ref);
  napi_delete_reference(env, update->parts_ref);
  napi_delete_reference(env, update->done_ref);
  napi_delete_async_work(env, update->work);
  free(update->parts);
  free(update);
  napi_call_function(env, global, done, 1, &ok, NULL);
}

static napi_value UpdateAsync(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  napi_valuetype done_type;
  bool is_array = false;
  uint32_t count = 0;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 3) {
    return Throw(env, "update(hash, parts, done)");
  }
  Hash *hash = ReadyHash(env, argv[0]);
  if (!hash) return NULL;
  if (napi_is_array(env, argv[1], &is_array) != napi_ok || !is_array ||
      napi_get_array_length(env, argv[1], &count) != napi_ok) {
    return Throw(env, "parts must be an array of Uint8Array");
  }
  if (napi_typeof(env, argv[2], &done_type) != napi_ok || done_type != napi_function) {
    return Throw(env, "done must be a function");
  }
  Update *update = calloc(1, sizeof *update);
  Part *parts = calloc(count > 0 ? count : 1, sizeof *parts);
  if (!update || !parts) {
    free(update);
    free(parts);
    return Throw(env, "out of memory");
  }
  for (uint32_t i = 0; i < count; i++) {
    napi_value element;
    napi_typedarray_type type;
    void *bytes = NULL;
    size_t length = 0;
    bool is_typed = false;
    if (napi_get_element(env, argv[1], i, &element) != napi_ok ||
        napi_is_typedarray(env, element, &is_typed) != napi_ok || !is_typed ||
        napi_get_typedarray_info(env, element, &type, &length, &bytes, NULL, NULL) != napi_ok ||
        type != napi_uint8_array) {
      free(update);
      free(parts);
      return Throw(env, "parts must be an array of Uint8Array");
    }
    parts[i].data = bytes;
    parts[i].length = length;
  }
  update->hash = hash;
  update->parts = parts;
  update->count = count;
  napi_value name;
  napi_create_string_utf8(env, "mwup.sha1", NAPI_AUTO_LENGTH, &name);
  if (napi_create_reference(env, argv[0], 1, &update->hash_ref) != napi_ok ||
      napi_create_reference(env, argv[1], 1, &update->parts_ref) != napi_ok ||
      napi_create_reference(env, argv[2], 1, &update->done_ref) != napi_ok ||
      napi_create_async_work(env, NULL, name, Execute, Complete, update, &update->work) != napi_ok ||
      napi_queue_async_work(env, update->work) != napi_ok) {
    /* Not expected short of memory; the references (if any) are left to the process. */
    free(update);
    free(parts);
    return Throw(env, "cannot queue the SHA-1 update");
  }
  hash->busy = 1;
  return NULL;
}

static napi_value UpdateSync(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  napi_typedarray_type type;
  void *bytes = NULL;
  size_t length = 0;
  bool is_typed = false;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 2) {
    return Throw(env, "updateSync(hash, bytes)");
  }
  Hash *hash = ReadyHash(env, argv[0]);
  if (!hash) return NULL;
  if (napi_is_typedarray(env, argv[1], &is_typed) != napi_ok || !is_typed ||
      napi_get_typedarray_info(env, argv[1], &type, &length, &bytes, NULL, NULL) != napi_ok ||
      type != napi_uint8_array) {
    return Throw(env, "bytes must be a Uint8Array");
  }
  if (SHA1_Update(&hash->ctx, bytes, length) != 1) return Throw(env, "SHA-1 failed");
  return NULL;
}

static napi_value Digest(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  unsigned char md[SHA_DIGEST_LENGTH];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1) {
    return Throw(env, "digest(hash)");
  }
  Hash *hash = ReadyHash(env, argv[0]);
  if (!hash) return NULL;
  hash->finished = 1;
  if (SHA1_Final(md, &hash->ctx) != 1) return Throw(env, "SHA-1 failed");
  napi_value result;
  void *copy = NULL;
  if (napi_create_buffer_copy(env, sizeof md, md, &copy, &result) != napi_ok) return Throw(env, "out of memory");
  return result;
}

static napi_value Save(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  uint8_t state[STATE_MAX];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1) {
    return Throw(env, "save(hash)");
  }
  Hash *hash = ReadyHash(env, argv[0]);
  if (!hash) return NULL;
  hash->finished = 1;
  size_t length = SaveSha1(&hash->ctx, state);
  napi_value result;
  void *copy = NULL;
  if (napi_create_buffer_copy(env, length, state, &copy, &result) != napi_ok) {
    return Throw(env, "out of memory");
  }
  return result;
}

static napi_value Init(napi_env env, napi_value exports) {
  Export(env, exports, "create", Create);
  Export(env, exports, "update", UpdateAsync);
  Export(env, exports, "updateSync", UpdateSync);
  Export(env, exports, "digest", Digest);
  Export(env, exports, "save", Save);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
