/*
 * A request body read straight from its TCP socket, on a thread of its own, and a multipart file
 * part written from it into a file with its SHA-1, without passing through JavaScript.
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
 * - drain(r, done): read and drop what is left of the body; done(err).
 * - bytesRead(r): bytes read from the socket here so far (for the body's watchdog).
 * - close(r): stop: an operation in progress ends with err = -ECANCELED; the duplicate is closed.
 *
 * `err` is 0, a negative errno, END_EARLY (the peer ended the connection before the body's end),
 * TOO_LARGE or NO_DELIMITER (a sink's delimiter never came: the body is not well formed). One operation at a time (a second throws).
 */
#define _GNU_SOURCE
#include <node_api.h>
#include "napi-export.h"
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define END_EARLY (-10001)
#define TOO_LARGE (-10002)
#define NO_DELIMITER (-10003)
/* A read of the socket; the buffers the writing thread takes. */
#define BLOCK (1024 * 1024)
#define SLOTS 4
#define MAX_DELIMITER 256

enum Op { OP_NONE, OP_READ, OP_READ_PART, OP_SINK, OP_DRAIN };

typedef struct Receiver Receiver;

/* One sink's writing and flushing threads and the buffers between the reading thread and them. */
typedef struct {
  Receiver *r;
  int fd;
  int64_t position;
  int64_t sync_every;
  uint8_t *slot[SLOTS];
  size_t slot_length[SLOTS];
  int slot_full[SLOTS];
  int no_more;
  int write_error;
  int64_t written;
  int64_t synced;
  int sync_wanted;
  SHA_CTX sha;
  pthread_mutex_t mu;
  pthread_cond_t cv;
} Sink;

struct Receiver {
  int fd;
  int wake[2];
  pthread_t thread;
  pthread_mutex_t mu;
  pthread_cond_t cv;
  /* Pending bytes: [start, start + length) of `buffer`. */
  uint8_t *buffer;
  size_t capacity, start, length;
  int64_t remaining;
  int64_t bytes_read;
  int closing;
  int quit;
  /* The JavaScript value and the thread: freed when both have let go. */
  int owners;
  /* The operation asked for, and its result. */
  enum Op op;
  int running;
  size_t max;
  uint8_t delimiter[MAX_DELIMITER];
  size_t delimiter_length;
  int sink_fd;
  int64_t sink_position, limit, sync_every;
  int error;
  size_t data_offset, data_length;
  int found, at_end;
  int64_t size;
  uint8_t digest[20];
  napi_env env;
  napi_ref done_ref;
  napi_threadsafe_function tsfn;
};

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

/* Room for `more` bytes after the pending ones (moved to the start when that makes room). */
static int Room(Receiver *r, size_t more) {
  if (r->start + r->length + more <= r->capacity) return 0;
  if (r->length + more <= r->capacity) {
    memmove(r->buffer, r->buffer + r->start, r->length);
    r->start = 0;
    return 0;
  }
  size_t capacity = r->length + more;
  uint8_t *bigger = malloc(capacity);
  if (!bigger) return -ENOMEM;
  memcpy(bigger, r->buffer + r->start, r->length);
  free(r->buffer);
  r->buffer = bigger;
  r->capacity = capacity;
  r->start = 0;
  return 0;
}

/*
 * One read of at most `space` bytes of the body into `into`, waiting until the socket has some.
 * Returns the count, 0 at the body's end, or an error.
 */
static ssize_t ReadSome(Receiver *r, uint8_t *into, size_t space) {
  if (r->remaining <= 0) return 0;
  if ((int64_t)space > r->remaining) space = (size_t)r->remaining;
  for (;;) {
    if (__atomic_load_n(&r->closing, __ATOMIC_ACQUIRE)) return -ECANCELED;
    ssize_t n = read(r->fd, into, space);
    if (n > 0) {
      r->remaining -= n;
      __atomic_add_fetch(&r->bytes_read, n, __ATOMIC_RELAXED);
      return n;
    }
    if (n == 0) return END_EARLY;
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) return -errno;
    struct pollfd fds[2] = {{r->fd, POLLIN, 0}, {r->wake[0], POLLIN, 0}};
    if (poll(fds, 2, -1) < 0 && errno != EINTR) return -errno;
  }
}

/* At least one more pending byte (0), the body's end (1), or an error. */
static int Fill(Receiver *r) {
  if (r->remaining <= 0) return 1;
  int e = Room(r, BLOCK / 2);
  if (e) return e;
  ssize_t n = ReadSome(r, r->buffer + r->start + r->length, r->capacity - r->start - r->length);
  if (n < 0) return (int)n;
  if (n == 0) return 1;
  r->length += (size_t)n;
  return 0;
}

static void DoRead(Receiver *r) {
  if (r->length == 0) {
    int e = Fill(r);
    if (e < 0) {
      r->error = e;
      return;
    }
  }
  r->data_offset = r->start;
  r->data_length = r->length < r->max ? r->length : r->max;
  r->at_end = r->length == 0;
}

static void DoReadPart(Receiver *r) {
  size_t d = r->delimiter_length;
  for (;;) {
    uint8_t *p = r->buffer + r->start;
    uint8_t *hit = memmem(p, r->length, r->delimiter, d);
    if (hit) {
      size_t before = (size_t)(hit - p);
      r->data_offset = r->start;
      r->data_length = before < r->max ? before : r->max;
      r->found = before <= r->max;
      return;
    }
    /* Bytes that cannot begin the delimiter are given once there are enough, or no more come. */
    size_t sure = r->length >= d ? r->length - (d - 1) : 0;
    if (sure >= r->max || (sure > 0 && sure >= BLOCK / 4) || r->remaining <= 0) {
      r->data_offset = r->start;
      r->data_length = r->remaining <= 0 ? r->length : sure;
      if (r->data_length > r->max) r->data_length = r->max;
      r->found = 0;
      return;
    }
    int e = Fill(r);
    if (e < 0) {
      r->error = e;
      return;
    }
  }
}

static void DoDrain(Receiver *r) {
  r->start = r->length = 0;
  while (r->remaining > 0) {
    ssize_t n = ReadSome(r, r->buffer, r->capacity);
    if (n < 0) {
      r->error = (int)n;
      return;
    }
  }
}

/* The writing thread: each full slot hashed and written, in order; flushes asked of the other. */
static void *Writer(void *arg) {
  Sink *s = arg;
  for (int i = 0;; i = (i + 1) % SLOTS) {
    pthread_mutex_lock(&s->mu);
    while (!s->slot_full[i] && !s->no_more) pthread_cond_wait(&s->cv, &s->mu);
    if (!s->slot_full[i]) {
      pthread_mutex_unlock(&s->mu);
      return NULL;
    }
    int failed = s->write_error;
    pthread_mutex_unlock(&s->mu);
    size_t length = s->slot_length[i];
    int error = 0;
    if (!failed) {
      SHA1_Update(&s->sha, s->slot[i], length);
      for (size_t done = 0; done < length;) {
        ssize_t n = pwrite(s->fd, s->slot[i] + done, length - done, s->position + s->written + (int64_t)done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
          error = n < 0 ? -errno : -EIO;
          break;
        }
        done += (size_t)n;
      }
    }
    pthread_mutex_lock(&s->mu);
    if (error) s->write_error = error;
    if (!error && !failed) s->written += (int64_t)length;
    if (s->written - s->synced >= s->sync_every) s->sync_wanted = 1;
    s->slot_full[i] = 0;
    pthread_cond_broadcast(&s->cv);
    pthread_mutex_unlock(&s->mu);
  }
}

/* The flushing thread: what is written made durable, then dropped from the page cache. */
static void *Flusher(void *arg) {
  Sink *s = arg;
  pthread_mutex_lock(&s->mu);
  for (;;) {
    while (!s->sync_wanted && !s->no_more) pthread_cond_wait(&s->cv, &s->mu);
    /* The last bytes are the caller's to flush. */
    if (s->no_more) break;
    s->sync_wanted = 0;
    int64_t from = s->synced, to = s->written;
    pthread_mutex_unlock(&s->mu);
    int ok = fdatasync(s->fd) == 0;
    if (ok) posix_fadvise(s->fd, s->position + from, to - from, POSIX_FADV_DONTNEED);
    pthread_mutex_lock(&s->mu);
    if (ok) s->synced = to;
    if (s->written - s->synced >= s->sync_every) s->sync_wanted = 1;
  }
  pthread_mutex_unlock(&s->mu);
  return NULL;
}

/* Hand `length` bytes of `from` to the writer, in a free slot (waiting for one). */
static int Submit(Sink *s, int *next, const uint8_t *from, size_t length) {
  while (length > 0) {
    size_t n = length < BLOCK ? length : BLOCK;
    pthread_mutex_lock(&s->mu);
    while (s->slot_full[*next] && !s->write_error) pthread_cond_wait(&s->cv, &s->mu);
    int error = s->write_error;
    pthread_mutex_unlock(&s->mu);
    if (error) return error;
    memcpy(s->slot[*next], from, n);
    pthread_mutex_lock(&s->mu);
    s->slot_length[*next] = n;
    s->slot_full[*next] = 1;
    pthread_cond_broadcast(&s->cv);
    pthread_mutex_unlock(&s->mu);
    *next = (*next + 1) % SLOTS;
    from += n;
    length -= n;
  }
  return 0;
}

/* The sink's reading side, on the receiver's thread: pending bytes before the delimiter handed on. */
static int SinkRead(Receiver *r, Sink *s) {
  size_t d = r->delimiter_length;
  int next = 0;
  int64_t given = 0;
  for (;;) {
    uint8_t *p = r->buffer + r->start;
    uint8_t *hit = memmem(p, r->length, r->delimiter, d);
    size_t take = hit ? (size_t)(hit - p) : (r->length >= d ? r->length - (d - 1) : 0);
    if (given + (int64_t)take > r->limit) return TOO_LARGE;
    if (take > 0 && (hit || take >= BLOCK / 2 || r->remaining <= 0)) {
      int e = Submit(s, &next, p, take);
      if (e) return e;
      given += (int64_t)take;
      r->start += take;
      r->length -= take;
    }
    if (hit) {
      r->start += d;
      r->length -= d;
      r->size = given;
      return 0;
    }
    if (r->remaining <= 0) return NO_DELIMITER;
    int e = Fill(r);
    if (e < 0) return e;
  }
}

static void DoSink(Receiver *r) {
  Sink *s = calloc(1, sizeof *s);
  int e = s ? 0 : -ENOMEM;
  for (int i = 0; !e && i < SLOTS; i++)
    if (!(s->slot[i] = malloc(BLOCK))) e = -ENOMEM;
  pthread_t writer, flusher;
  int threads = 0;
  if (!e) {
    s->r = r;
    s->fd = r->sink_fd;
    s->position = r->sink_position;
    s->sync_every = r->sync_every > 0 ? r->sync_every : INT64_MAX;
    SHA1_Init(&s->sha);
    pthread_mutex_init(&s->mu, NULL);
    pthread_cond_init(&s->cv, NULL);
    if (pthread_create(&writer, NULL, Writer, s) == 0) threads |= 1;
    if (pthread_create(&flusher, NULL, Flusher, s) == 0) threads |= 2;
    if (threads != 3) e = -EAGAIN;
  }
  if (!e) e = SinkRead(r, s);
  if (s && threads) {
    pthread_mutex_lock(&s->mu);
    s->no_more = 1;
    pthread_cond_broadcast(&s->cv);
    pthread_mutex_unlock(&s->mu);
    if (threads & 1) pthread_join(writer, NULL);
    if (threads & 2) pthread_join(flusher, NULL);
    if (!e && s->write_error) e = s->write_error;
    if (!e) SHA1_Final(r->digest, &s->sha);
  }
  if (s) {
    if (threads) {
      pthread_mutex_destroy(&s->mu);
      pthread_cond_destroy(&s->cv);
    }
    for (int i = 0; i < SLOTS; i++) free(s->slot[i]);
    free(s);
  }
  r->error = e;
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

/* Once the last answer has been given: the thread's hold on the receiver ends. */
static void AnswersDone(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  Release(data);
}

/* The answer of the operation just done, on the JavaScript thread. */
static void Answer(napi_env env, napi_value unused, void *context, void *data) {
  Receiver *r = data;
  (void)unused;
  (void)context;
  if (!env || !r->done_ref) return;
  napi_value done, argv[3], global;
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
