/* The reading thread's operations on the pending bytes of a socket body (socket-body.c). */
#define _GNU_SOURCE
#include "socket-body.h"

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
int Fill(Receiver *r) {
  if (r->remaining <= 0) return 1;
  int e = Room(r, BLOCK / 2);
  if (e) return e;
  ssize_t n = ReadSome(r, r->buffer + r->start + r->length, r->capacity - r->start - r->length);
  if (n < 0) return (int)n;
  if (n == 0) return 1;
  r->length += (size_t)n;
  return 0;
}

void DoRead(Receiver *r) {
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

void DoReadPart(Receiver *r) {
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

/* Pending bytes moved into the fill's target (and hashed); `n` of them. */
static void Take(Receiver *r, size_t n) {
  uint8_t *to = r->target + r->size;
  memcpy(to, r->buffer + r->start, n);
  SHA1_Update(&r->fill_sha, to, n);
  r->start += n;
  r->length -= n;
  r->size += (int64_t)n;
}

void DoFill(Receiver *r) {
  size_t d = r->delimiter_length;
  for (;;) {
    size_t space = r->target_length - (size_t)r->size;
    uint8_t *p = r->buffer + r->start;
    uint8_t *hit = memmem(p, r->length, r->delimiter, d);
    if (hit) {
      size_t before = (size_t)(hit - p);
      Take(r, before < space ? before : space);
      if (before <= space) {
        r->start += d;
        r->length -= d;
        r->found = 1;
        r->state_length = SaveSha1(&r->fill_sha, r->state);
        SHA1_Final(r->digest, &r->fill_sha);
      }
      return;
    }
    /* Bytes that cannot begin the delimiter. */
    size_t sure = r->length >= d ? r->length - (d - 1) : 0;
    Take(r, sure < space ? sure : space);
    if ((size_t)r->size == r->target_length) return;
    if (r->remaining <= 0) {
      /* The body ends before the delimiter. */
      r->error = NO_DELIMITER;
      return;
    }
    int e = Fill(r);
    if (e < 0) {
      r->error = e;
      return;
    }
  }
}

void DoDrain(Receiver *r) {
  r->start = r->length = 0;
  while (r->remaining > 0) {
    ssize_t n = ReadSome(r, r->buffer, r->capacity);
    if (n < 0) {
      r->error = (int)n;
      return;
    }
  }
}
