/* A file part written into a file by a socket body's threads as it is read (socket-body.c: sink). */
#define _GNU_SOURCE
#include "socket-body.h"

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

void DoSink(Receiver *r) {
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
