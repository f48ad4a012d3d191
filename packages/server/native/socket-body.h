/* What the socket body's parts share (socket-body.c: the JavaScript side; socket-reading.c: the
 * reading thread's operations; socket-sink.c: a file part written by it). */
#ifndef MWUP_SOCKET_BODY_H
#define MWUP_SOCKET_BODY_H
#include <node_api.h>
#include "sha1-portable.h"
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

enum Op { OP_NONE, OP_READ, OP_READ_PART, OP_SINK, OP_DRAIN, OP_FILL };

typedef struct Receiver Receiver;

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
  /* A fill: where the bytes go, and the SHA-1 of the part filled so far. */
  uint8_t *target;
  size_t target_length;
  napi_ref target_ref;
  SHA_CTX fill_sha;
  /* At the part's end: its state, saved before the digest was taken. */
  uint8_t state[STATE_MAX];
  size_t state_length;
  napi_env env;
  napi_ref done_ref;
  napi_threadsafe_function tsfn;
};

/* The operations, run on the receiver's thread (their results are left in the receiver). */
int Fill(Receiver *r);
void DoRead(Receiver *r);
void DoReadPart(Receiver *r);
void DoDrain(Receiver *r);
void DoSink(Receiver *r);
void DoFill(Receiver *r);

#endif
