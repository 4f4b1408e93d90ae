// A small persistent thread pool for the kernels' parallel loops.
//
// Dispatch's concurrentPerform wakes threads for every call; a training step of a small model
// makes dozens of parallel calls of a few microseconds each, and the wake-ups cost more than
// the work. Here workers stay alive, spin for up to a millisecond after each job waiting for
// the next (a training step's parallel calls come closer together than that, so a worker is
// awake when the next one starts), and only then sleep on a condition variable. Parts are
// claimed from a shared counter; which thread runs a part never changes what the part
// computes, so results stay deterministic.
#include "StrataKernels.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <time.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define STRATA_PAUSE() _mm_pause()
#elif defined(__aarch64__)
#define STRATA_PAUSE() __asm__ __volatile__("yield")
#else
#define STRATA_PAUSE() ((void)0)
#endif

#define MAX_WORKERS 63
// How long an idle worker spins before sleeping. Waking a sleeping worker takes tens of
// microseconds (more in a VM) while the caller already runs its own part, so the caller then
// waits at the end: with 2,000 pause rounds (0.1–0.3 ms) the MLP-A main thread spent 9–15% of
// its samples waiting; with 1 ms, 4%, and epochs were 0.5–16% shorter (six of six
// alternating runs on a Xeon).
#define SPIN_NANOSECONDS 1000000L

static long monotonic_nanoseconds(void) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (long)now.tv_sec * 1000000000L + now.tv_nsec;
}

static pthread_mutex_t pool_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t pool_wake = PTHREAD_COND_INITIALIZER;
static pthread_mutex_t submit_mutex = PTHREAD_MUTEX_INITIALIZER;
static int worker_count = 0;
static atomic_long generation = 0;
static atomic_int sleepers = 0;

// The current job, published by `generation` (release) and read by workers after they see
// it change (acquire). Parts are claimed from `next_claim`, which holds the job's number in its
// high 32 bits and the next part in its low 32 bits: a worker that is late leaving one job
// (it ran its last part after the caller had already seen every part finish and published the
// next job) sees a different job number and claims nothing, so no part runs twice or with
// another job's function.
static _Atomic(strata_task_fn) job_fn;
static _Atomic(void *) job_context;
static atomic_long job_parts;
static atomic_long next_claim;
static atomic_long finished_parts;

static _Thread_local int inside_pool_task = 0;

static void run_parts(long job, strata_task_fn fn, void *context, long parts) {
  inside_pool_task = 1;
  long claim = atomic_load_explicit(&next_claim, memory_order_relaxed);
  for (;;) {
    if ((claim >> 32) != (job & 0xFFFFFFFFL) || (claim & 0xFFFFFFFFL) >= parts) break;
    if (!atomic_compare_exchange_weak_explicit(&next_claim, &claim, claim + 1,
                                               memory_order_relaxed, memory_order_relaxed)) {
      continue;
    }
    fn(context, claim & 0xFFFFFFFFL);
    atomic_fetch_add_explicit(&finished_parts, 1, memory_order_release);
    claim = atomic_load_explicit(&next_claim, memory_order_relaxed);
  }
  inside_pool_task = 0;
}

static void *worker_main(void *unused) {
  (void)unused;
  long seen = atomic_load_explicit(&generation, memory_order_acquire);
  for (;;) {
    long current;
    long spins = 0;
    long spin_start = monotonic_nanoseconds();
    while ((current = atomic_load_explicit(&generation, memory_order_acquire)) == seen) {
      // The clock is read every 64 pauses only.
      if ((++spins & 63) != 0 || monotonic_nanoseconds() - spin_start < SPIN_NANOSECONDS) {
        STRATA_PAUSE();
        continue;
      }
      pthread_mutex_lock(&pool_mutex);
      atomic_fetch_add(&sleepers, 1);
      while (atomic_load_explicit(&generation, memory_order_acquire) == seen) {
        pthread_cond_wait(&pool_wake, &pool_mutex);
      }
      atomic_fetch_sub(&sleepers, 1);
      pthread_mutex_unlock(&pool_mutex);
    }
    seen = current;
    run_parts(current, atomic_load_explicit(&job_fn, memory_order_relaxed),
              atomic_load_explicit(&job_context, memory_order_relaxed),
              atomic_load_explicit(&job_parts, memory_order_relaxed));
  }
  return NULL;
}

static void ensure_workers(int wanted) {
  if (wanted > MAX_WORKERS) wanted = MAX_WORKERS;
  while (worker_count < wanted) {
    pthread_t thread;
    pthread_attr_t attributes;
    pthread_attr_init(&attributes);
    pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
    if (pthread_create(&thread, &attributes, worker_main, NULL) != 0) {
      pthread_attr_destroy(&attributes);
      break;
    }
    pthread_attr_destroy(&attributes);
    worker_count++;
  }
}

void strata_parallel_run(long parts, int threads, strata_task_fn fn, void *context) {
  if (parts <= 0) return;
  // Serial when asked, when nested inside a task, or when another thread is using the pool.
  if (parts == 1 || parts > 0x7FFFFFFFL || threads <= 1 || inside_pool_task ||
      pthread_mutex_trylock(&submit_mutex) != 0) {
    for (long part = 0; part < parts; part++) fn(context, part);
    return;
  }
  ensure_workers(threads - 1);
  if (worker_count == 0) {
    pthread_mutex_unlock(&submit_mutex);
    for (long part = 0; part < parts; part++) fn(context, part);
    return;
  }
  long job = atomic_load_explicit(&generation, memory_order_relaxed) + 1;
  atomic_store_explicit(&job_fn, fn, memory_order_relaxed);
  atomic_store_explicit(&job_context, context, memory_order_relaxed);
  atomic_store_explicit(&job_parts, parts, memory_order_relaxed);
  atomic_store_explicit(&finished_parts, 0, memory_order_relaxed);
  atomic_store_explicit(&next_claim, (job & 0xFFFFFFFFL) << 32, memory_order_relaxed);
  atomic_store_explicit(&generation, job, memory_order_release);
  if (atomic_load(&sleepers) > 0) {
    pthread_mutex_lock(&pool_mutex);
    pthread_cond_broadcast(&pool_wake);
    pthread_mutex_unlock(&pool_mutex);
  }
  run_parts(job, fn, context, parts);
  while (atomic_load_explicit(&finished_parts, memory_order_acquire) < parts) STRATA_PAUSE();
  pthread_mutex_unlock(&submit_mutex);
}
