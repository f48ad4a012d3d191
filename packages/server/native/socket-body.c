/*
 * A request body read straight from its TCP socket, on a thread of its own, and a multipart file
 * part written from it into a file, or copied into buffers JavaScript gives, with its SHA-1, without
 * passing through JavaScript's hands byte by byte.
 *
 * Node reads a socket 64 KiB at a time and takes every read through its HTTP parser, the request
 * stream and the multipart parser on the JavaScript thread; for a large direct upload that is most
 * of the server's work. Here the bytes of the body that Node has not read are read from a duplicate
 * of the socket's descriptor (the caller has stopped Node's own reading for good), never past the
 * body's end, into a buffer of pending bytes that the operations below consume in order.
 *
 * - open(fd, head, remaining): a receiver of the socket `fd` whose pending bytes start as the
 *   Uint8Array `head` (what Node read already), with `remaining` bytes of the body left to read.
 * - read(r, max, done): done(err, bytes) with 1..max pending bytes (read when none are), or null
 *   once the body has been read whole.
 * - readPart(r, delimiter, max, done): done(err, bytes, found): the pending bytes before the first
 *   `delimiter` (at most `max`), found = true when the delimiter follows them (it is then consumed).
 *   At the body's end without the delimiter: what is left, found = false.
 * - sink(r, fd, position, delimiter, limit, syncEvery, done): the bytes before `delimiter` written
 *   to the file `fd` from `position` by a writing thread while the next ones are read, hashed with
 *   SHA-1 as they are written, flushed (fdatasync) by a third thread after every `syncEvery` bytes
 *   and then dropped from the page cache; the delimiter is consumed. done(err, size, sha1): the bytes
 *   written and the 20-byte digest. More than `limit` bytes: err = TOO_LARGE, nothing more written.
 *   The last bytes are not flushed: the caller's own flush does that.
 * - fill(r, target, delimiter, start, done): the bytes before `delimiter` copied into the Uint8Array
 *   `target` (until it is full), hashed with SHA-1 on the reading thread as they are copied. `start`:
 *   null begins a new hash, a saved state (sha1-portable.h) continues it, undefined goes on with the
 *   hash of the fill before. done(err, n, sha1, state): n bytes copied; once the delimiter followed
 *   them (it is then consumed) the SHA-1 (20 bytes) and the state before it was finished, else both
 *   null: fill again. The body ending before the delimiter: err = NO_DELIMITER. JavaScript must
 *   leave `target` alone until done is called.
 * - drain(r, done): read and drop what is left of the body; done(err).
 * - bytesRead(r): bytes read from the socket here so far (for the body's watchdog).
 * - close(r): stop: an operation in progress ends with err = -ECANCELED; the duplicate is closed.
 *
 * `err` is 0, a negative errno, END_EARLY (the peer ended the connection before the body's end),
 * TOO_LARGE or NO_DELIMITER (a sink's delimiter never came: the body is not well formed). One operation at a time (a second throws).
 */
#define _GNU_SOURCE
#include "socket-body.h"
#include "napi-export.h"

static napi_value Throw(napi_env env, const char *message) {
  napi_throw_error(env, NULL, message);
  return NULL;
}

static void Release(Receiver *r) {
  pthread_mutex_lock(&r->mu);
  int left = --r->owners;
  pthread_mutex_unlock(&r->mu);
  if (left > 0) return;
  if (r->fd >= 0) close(r->fd);
  close(r->wake[0]);
  close(r->wake[1]);
  pthread_mutex_destroy(&r->mu);
  pthread_cond_destroy(&r->cv);
  free(r->buffer);
  free(r);
}

static void *Run(void *arg) {
  Receiver *r = arg;
  for (;;) {
    pthread_mutex_lock(&r->mu);
    while (r->op == OP_NONE && !r->quit) pthread_cond_wait(&r->cv, &r->mu);
    enum Op op = r->op;
    pthread_mutex_unlock(&r->mu);
    if (op == OP_NONE) break;
    r->error = 0;
    r->found = r->at_end = 0;
    r->data_length = 0;
    r->size = 0;
    switch (op) {
      case OP_READ: DoRead(r); break;
      case OP_READ_PART: DoReadPart(r); break;
      case OP_SINK: DoSink(r); break;
      case OP_DRAIN: DoDrain(r); break;
      case OP_FILL: DoFill(r); break;
      default: break;
    }
    pthread_mutex_lock(&r->mu);
    r->op = OP_NONE;
    pthread_mutex_unlock(&r->mu);
    /* The answer is given on the JavaScript thread, which reads the pending bytes: nothing here
     * touches them until the next operation is asked for. */
    napi_call_threadsafe_function(r->tsfn, r, napi_tsfn_blocking);
  }
  /* The connection is the socket's again: closed when Node closes it. */
  close(r->fd);
  r->fd = -1;
  napi_release_threadsafe_function(r->tsfn, napi_tsfn_release);
  return NULL;
}

/*
 * Once the last answer has been given: the thread's hold on the receiver ends, and its pending
 * bytes' buffer (a megabyte) is freed now rather than when the JavaScript value is collected, which
 * may be many bodies later (a chunked upload reads one body per chunk).
 */
static void AnswersDone(napi_env env, void *data, void *hint) {
  Receiver *r = data;
  (void)env;
  (void)hint;
  pthread_mutex_lock(&r->mu);
  free(r->buffer);
  r->buffer = NULL;
  r->capacity = r->start = r->length = 0;
  pthread_mutex_unlock(&r->mu);
  Release(r);
}

/* The answer of the operation just done, on the JavaScript thread. */
static void Answer(napi_env env, napi_value unused, void *context, void *data) {
  Receiver *r = data;
  (void)unused;
  (void)context;
  if (!env || !r->done_ref) return;
  napi_value done, argv[4], global;
  napi_get_reference_value(env, r->done_ref, &done);
  napi_delete_reference(env, r->done_ref);
  r->done_ref = NULL;
  enum Op op = r->running;
  r->running = OP_NONE;
  napi_create_int32(env, r->error, &argv[0]);
  napi_get_null(env, &argv[1]);
  napi_get_boolean(env, false, &argv[2]);
  int argc = 1;
  if (!r->error && (op == OP_READ || op == OP_READ_PART)) {
    if (op == OP_READ && r->at_end) {
      argc = 2;
    } else {
      void *copy;
      napi_create_buffer_copy(env, r->data_length, r->buffer + r->data_offset, &copy, &argv[1]);
      r->start += r->data_length;
      r->length -= r->data_length;
      argc = 2;
      if (op == OP_READ_PART) {
        if (r->found) {
          r->start += r->delimiter_length;
          r->length -= r->delimiter_length;
        }
        napi_get_boolean(env, r->found, &argv[2]);
        argc = 3;
      }
    }
  } else if (op == OP_FILL) {
    /* The target is the caller's again. */
    napi_delete_reference(env, r->target_ref);
    r->target_ref = NULL;
    if (!r->error) {
      napi_create_double(env, (double)r->size, &argv[1]);
      napi_get_null(env, &argv[3]);
      if (r->found) {
        void *copy;
        napi_create_buffer_copy(env, 20, r->digest, &copy, &argv[2]);
        napi_create_buffer_copy(env, r->state_length, r->state, &copy, &argv[3]);
      }
      argc = 4;
    }
  } else if (!r->error && op == OP_SINK) {
    void *copy;
    napi_create_double(env, (double)r->size, &argv[1]);
    napi_create_buffer_copy(env, 20, r->digest, &copy, &argv[2]);
    argc = 3;
  }
  napi_get_global(env, &global);
  napi_call_function(env, global, done, (size_t)argc, argv, NULL);
}

static void Stop(Receiver *r) {
  pthread_mutex_lock(&r->mu);
  int first = !r->quit;
  r->quit = 1;
  __atomic_store_n(&r->closing, 1, __ATOMIC_RELEASE);
  pthread_cond_broadcast(&r->cv);
  pthread_mutex_unlock(&r->mu);
  if (first) {
    char c = 1;
    ssize_t ignored = write(r->wake[1], &c, 1);
    (void)ignored;
  }
}

static void Finalize(napi_env env, void *data, void *hint) {
  Receiver *r = data;
  (void)hint;
  if (r->done_ref) napi_delete_reference(env, r->done_ref);
  r->done_ref = NULL;
  if (r->target_ref) napi_delete_reference(env, r->target_ref);
  r->target_ref = NULL;
  Stop(r);
  Release(r);
}

static Receiver *GetReceiver(napi_env env, napi_value value) {
  void *data = NULL;
  napi_valuetype type;
  if (napi_typeof(env, value, &type) != napi_ok || type != napi_external) return NULL;
  if (napi_get_value_external(env, value, &data) != napi_ok) return NULL;
  return data;
}

static int GetBytes(napi_env env, napi_value value, uint8_t **bytes, size_t *length) {
  bool is = false;
  napi_typedarray_type type;
  void *data = NULL;
  if (napi_is_typedarray(env, value, &is) != napi_ok || !is) return 0;
  if (napi_get_typedarray_info(env, value, &type, length, &data, NULL, NULL) != napi_ok) return 0;
  *bytes = data;
  return type == napi_uint8_array;
}

static napi_value Open(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3], external, name;
  int32_t fd = -1;
  int64_t remaining = -1;
  uint8_t *head = NULL;
  size_t head_length = 0;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 3 ||
      napi_get_value_int32(env, argv[0], &fd) != napi_ok || fd < 0 ||
      !GetBytes(env, argv[1], &head, &head_length) ||
      napi_get_value_int64(env, argv[2], &remaining) != napi_ok || remaining < 0) {
    return Throw(env, "open(fd, head, remaining)");
  }
  Receiver *r = calloc(1, sizeof *r);
  if (!r) return Throw(env, "out of memory");
  r->capacity = head_length + BLOCK;
  r->buffer = malloc(r->capacity);
  r->fd = dup(fd);
  if (!r->buffer || r->fd < 0 || pipe2(r->wake, O_CLOEXEC | O_NONBLOCK) != 0) {
    if (r->fd >= 0) close(r->fd);
    free(r->buffer);
    free(r);
    return Throw(env, "could not open the socket's body");
  }
  memcpy(r->buffer, head, head_length);
  r->length = head_length;
  r->remaining = remaining;
  r->env = env;
  r->owners = 2;
  pthread_mutex_init(&r->mu, NULL);
  pthread_cond_init(&r->cv, NULL);
  napi_create_string_utf8(env, "mwup.socketBody", NAPI_AUTO_LENGTH, &name);
  if (napi_create_threadsafe_function(env, NULL, NULL, name, 0, 1, r, AnswersDone, NULL, Answer, &r->tsfn) !=
      napi_ok) {
    r->owners = 1;
    Release(r);
    return Throw(env, "could not open the socket's body");
  }
  napi_unref_threadsafe_function(env, r->tsfn);
  if (pthread_create(&r->thread, NULL, Run, r) != 0) {
    /* Its finalizer gives up the thread's hold. */
    napi_release_threadsafe_function(r->tsfn, napi_tsfn_abort);
    Release(r);
    return Throw(env, "could not start the socket's reader");
  }
  pthread_detach(r->thread);
  if (napi_create_external(env, r, Finalize, NULL, &external) != napi_ok) {
    Stop(r);
    Release(r);
    return Throw(env, "out of memory");
  }
  return external;
}

/* Start `op` with the callback argv[last]; throws (and returns 0) when one is running. */
static int Start(napi_env env, Receiver *r, enum Op op, napi_value done) {
  napi_valuetype type;
  if (napi_typeof(env, done, &type) != napi_ok || type != napi_function) {
    Throw(env, "done must be a function");
    return 0;
  }
  if (r->quit) {
    Throw(env, "the socket's body is closed");
    return 0;
  }
  if (r->running) {
    Throw(env, "an operation is running");
    return 0;
  }
  napi_create_reference(env, done, 1, &r->done_ref);
  r->running = op;
  pthread_mutex_lock(&r->mu);
  r->op = op;
  pthread_cond_broadcast(&r->cv);
  pthread_mutex_unlock(&r->mu);
  return 1;
}

static int GetDelimiter(napi_env env, Receiver *r, napi_value value) {
  uint8_t *bytes;
  size_t length;
  if (!GetBytes(env, value, &bytes, &length) || length == 0 || length > MAX_DELIMITER) return 0;
  memcpy(r->delimiter, bytes, length);
  r->delimiter_length = length;
  return 1;
}

/* read(receiver, max, done) and readPart(receiver, delimiter, max, done). */
static napi_value StartRead(napi_env env, napi_callback_info info, enum Op op) {
  int part = op == OP_READ_PART;
  size_t want = part ? 4 : 3, argc = 4;
  napi_value argv[4];
  int64_t max = 0;
  Receiver *r;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < want ||
      !(r = GetReceiver(env, argv[0])) || napi_get_value_int64(env, argv[want - 2], &max) != napi_ok ||
      max < 1) {
    return Throw(env, part ? "readPart(receiver, delimiter, max, done)" : "read(receiver, max, done)");
  }
  if (r->running) return Throw(env, "an operation is running");
  if (part && !GetDelimiter(env, r, argv[1])) return Throw(env, "the delimiter must be 1 to 256 bytes");
  r->max = (size_t)max;
  Start(env, r, op, argv[want - 1]);
  return NULL;
}

static napi_value Read(napi_env env, napi_callback_info info) { return StartRead(env, info, OP_READ); }

static napi_value ReadPart(napi_env env, napi_callback_info info) {
  return StartRead(env, info, OP_READ_PART);
}

static napi_value SinkOp(napi_env env, napi_callback_info info) {
  size_t argc = 7;
  napi_value argv[7];
  int32_t fd = -1;
  int64_t position = -1, limit = -1, every = 0;
  Receiver *r;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 7 ||
      !(r = GetReceiver(env, argv[0])) || napi_get_value_int32(env, argv[1], &fd) != napi_ok || fd < 0 ||
      napi_get_value_int64(env, argv[2], &position) != napi_ok || position < 0 ||
      napi_get_value_int64(env, argv[4], &limit) != napi_ok || limit < 0 ||
      napi_get_value_int64(env, argv[5], &every) != napi_ok) {
    return Throw(env, "sink(receiver, fd, position, delimiter, limit, syncEvery, done)");
  }
  if (r->running) return Throw(env, "an operation is running");
  if (!GetDelimiter(env, r, argv[3])) return Throw(env, "the delimiter must be 1 to 256 bytes");
  r->sink_fd = fd;
  r->sink_position = position;
  r->limit = limit;
  r->sync_every = every;
  Start(env, r, OP_SINK, argv[6]);
  return NULL;
}

/* fill(receiver, target, delimiter, start, done): see the top of this file. */
static napi_value FillOp(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  Receiver *r;
  uint8_t *target = NULL, *state = NULL;
  size_t length = 0, state_length = 0;
  napi_valuetype start;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 5 ||
      !(r = GetReceiver(env, argv[0])) || !GetBytes(env, argv[1], &target, &length) || length == 0 ||
      napi_typeof(env, argv[3], &start) != napi_ok) {
    return Throw(env, "fill(receiver, target, delimiter, start, done)");
  }
  if (r->running) return Throw(env, "an operation is running");
  if (!GetDelimiter(env, r, argv[2])) return Throw(env, "the delimiter must be 1 to 256 bytes");
  if (start == napi_null) {
    SHA1_Init(&r->fill_sha);
  } else if (start != napi_undefined) {
    if (!GetBytes(env, argv[3], &state, &state_length) || !RestoreSha1(&r->fill_sha, state, state_length)) {
      return Throw(env, "not a saved SHA-1 state");
    }
  }
  r->target = target;
  r->target_length = length;
  /* The target stays alive (and in place) until the answer. */
  if (napi_create_reference(env, argv[1], 1, &r->target_ref) != napi_ok) return Throw(env, "out of memory");
  if (!Start(env, r, OP_FILL, argv[4])) {
    napi_delete_reference(env, r->target_ref);
    r->target_ref = NULL;
  }
  return NULL;
}

/* The receiver given first to a call of `argc` arguments (in `argv`), or NULL having thrown `usage`. */
static Receiver *Arguments(napi_env env, napi_callback_info info, size_t argc, napi_value *argv,
                           const char *usage) {
  size_t given = argc;
  Receiver *r = NULL;
  if (napi_get_cb_info(env, info, &given, argv, NULL, NULL) != napi_ok || given < argc ||
      !(r = GetReceiver(env, argv[0]))) {
    Throw(env, usage);
    return NULL;
  }
  return r;
}

static napi_value Drain(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  Receiver *r = Arguments(env, info, 2, argv, "drain(receiver, done)");
  if (r) Start(env, r, OP_DRAIN, argv[1]);
  return NULL;
}

static napi_value BytesRead(napi_env env, napi_callback_info info) {
  napi_value argv[1], n;
  Receiver *r = Arguments(env, info, 1, argv, "bytesRead(receiver)");
  if (!r) return NULL;
  napi_create_double(env, (double)__atomic_load_n(&r->bytes_read, __ATOMIC_RELAXED), &n);
  return n;
}

static napi_value Close(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  Receiver *r = Arguments(env, info, 1, argv, "close(receiver)");
  if (r) Stop(r);
  return NULL;
}

static napi_value Init(napi_env env, napi_value exports) {
  napi_value n;
  Export(env, exports, "open", Open);
  Export(env, exports, "read", Read);
  Export(env, exports, "readPart", ReadPart);
  Export(env, exports, "sink", SinkOp);
  Export(env, exports, "fill", FillOp);
  Export(env, exports, "drain", Drain);
  Export(env, exports, "bytesRead", BytesRead);
  Export(env, exports, "close", Close);
  napi_create_int32(env, END_EARLY, &n);
  napi_set_named_property(env, exports, "END_EARLY", n);
  napi_create_int32(env, TOO_LARGE, &n);
  napi_set_named_property(env, exports, "TOO_LARGE", n);
  napi_create_int32(env, NO_DELIMITER, &n);
  napi_set_named_property(env, exports, "NO_DELIMITER", n);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
