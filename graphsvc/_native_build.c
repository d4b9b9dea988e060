/* graphsvc._native.build_csr: the arrays of graph.csr.CoauthorGraph.build, in C.
 *
 * The numpy build (graph/edges.py, graph/csr.py) materialises every author pair of every
 * counted paper (51M at 3M authors), packs them into int64 keys, sorts them and scatters both
 * directions of every edge: 10-15 CPU s and 3 GB of temporaries at 3M authors. Here every row
 * is made on its own from its author's counted papers: a marker per co-author finds the row's
 * distinct neighbours, which are sorted, and their joint papers are aggregated on the way. A
 * first pass only counts the rows, so that the caller's `alloc(name, length)` can hand out
 * every output at its exact size (memory-mapped index files included); a second fills them.
 *
 * The arrays are the numpy build's, bit for bit (tests/test_native_build.py). The one subtle
 * value is an edge's weight, numpy's np.add.reduceat over the 1/(k-1) of its joint papers in
 * (year, team size) order: the first value plus numpy's pairwise sum of the others. So an
 * author's counted papers are visited in that order (a counting sort of the papers by team
 * size, then year), the first value and the plain sum of the others are kept per co-author,
 * which is that sum exactly while there are fewer than 8 others, and the rare rows with a
 * heavier edge are gathered once more and summed with numpy's pairwise rule.
 *
 * Given the graph of a prefix of the same memberships (`base`: the index before an append),
 * the rows of the authors of no new counted paper are copied from it and only the others are
 * made again, from their lists of papers sorted in that order.
 *
 * The GIL is released while it computes; it is taken back only to call `alloc`.
 */
#include "_native.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* The aggregates of one edge of the row being built. */
struct Agg {
    int32_t papers; /* joint counted papers */
    int32_t first;  /* first known year (0: none) */
    int32_t last;   /* year of the last joint paper in (year, size) order */
    int32_t slot;   /* position in the row */
    double w0;      /* 1/(k-1) of the first joint paper */
    double rest;    /* sum of the others' 1/(k-1), in order */
};

/* numpy's pairwise summation (umath loops_utils.h: DOUBLE_pairwise_sum), which add.reduce and
 * add.reduceat use for contiguous doubles: the same additions in the same order. */
static double
pairwise(const double *a, int64_t n)
{
    if (n < 8) {
        double r = -0.0;
        for (int64_t i = 0; i < n; i++)
            r += a[i];
        return r;
    }
    if (n <= 128) {
        double r[8];
        int64_t i;
        for (int j = 0; j < 8; j++)
            r[j] = a[j];
        for (i = 8; i < n - (n % 8); i += 8)
            for (int j = 0; j < 8; j++)
                r[j] += a[i + j];
        double res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        for (; i < n; i++)
            res += a[i];
        return res;
    }
    int64_t n2 = n / 2;
    n2 -= n2 % 8;
    return pairwise(a, n2) + pairwise(a + n2, n - n2);
}

/* Ascending, in place: a quicksort (median of three) down to insertion sorts of short runs;
 * rows are short, and glibc's qsort calls its comparison through a pointer. */
static void
sort_u64(uint64_t *a, int64_t n)
{
    while (n > 24) {
        uint64_t x = a[0], y = a[n / 2], z = a[n - 1];
        uint64_t pivot = x < y ? (y < z ? y : (x < z ? z : x)) : (x < z ? x : (y < z ? z : y));
        int64_t i = 0, j = n - 1;
        for (;;) {
            while (a[i] < pivot)
                i++;
            while (a[j] > pivot)
                j--;
            if (i >= j)
                break;
            uint64_t t = a[i];
            a[i++] = a[j];
            a[j--] = t;
        }
        /* [0, j] <= pivot <= [j + 1, n): recurse into the smaller side */
        if (j + 1 < n - j - 1) {
            sort_u64(a, j + 1);
            a += j + 1;
            n -= j + 1;
        } else {
            sort_u64(a + j + 1, n - j - 1);
            n = j + 1;
        }
    }
    for (int64_t i = 1; i < n; i++) {
        uint64_t x = a[i];
        int64_t j = i;
        for (; j > 0 && a[j - 1] > x; j--)
            a[j] = a[j - 1];
        a[j] = x;
    }
}

/* The inputs, read in place. */
typedef struct {
    int64_t n, p;
    const int64_t *ptr;
    const int32_t *members;
    const int32_t *year;
    const uint8_t *counted, *in_window;
} In;

static inline int32_t
known_year(const In *in, int64_t q)
{
    return in->year[q] > 0 ? in->year[q] : 0;
}

struct YKP {
    int32_t y, k, p;
};

static int
cmp_ykp(const void *a, const void *b)
{
    const struct YKP *x = a, *y = b;
    if (x->y != y->y)
        return (x->y > y->y) - (x->y < y->y);
    if (x->k != y->k)
        return (x->k > y->k) - (x->k < y->k);
    return (x->p > y->p) - (x->p < y->p);
}

/* The counted papers in (known year, team size, index) order: two counting sorts, or a
 * comparison sort when the years span too much for a table. NULL when out of memory. */
static int32_t *
label_order(const In *in, int64_t pc)
{
    int32_t kmax = 0, ymin = INT32_MAX, ymax = 0;
    for (int64_t q = 0; q < in->p; q++) {
        if (!in->counted[q])
            continue;
        int32_t k = (int32_t)(in->ptr[q + 1] - in->ptr[q]), y = known_year(in, q);
        if (k > kmax)
            kmax = k;
        if (y > 0 && y < ymin)
            ymin = y;
        if (y > ymax)
            ymax = y;
    }
    int32_t *order = malloc((size_t)(pc ? pc : 1) * sizeof(int32_t));
    if (!order)
        return NULL;
    int64_t span = ymax > 0 ? (int64_t)ymax - ymin + 2 : 1;
    if (span > (1 << 22)) {
        struct YKP *t = malloc((size_t)(pc ? pc : 1) * sizeof(struct YKP));
        if (!t) {
            free(order);
            return NULL;
        }
        int64_t i = 0;
        for (int64_t q = 0; q < in->p; q++)
            if (in->counted[q])
                t[i++] = (struct YKP){known_year(in, q), (int32_t)(in->ptr[q + 1] - in->ptr[q]),
                                      (int32_t)q};
        qsort(t, (size_t)pc, sizeof(struct YKP), cmp_ykp);
        for (i = 0; i < pc; i++)
            order[i] = t[i].p;
        free(t);
        return order;
    }
    int64_t nb = (int64_t)kmax + 1 > span ? (int64_t)kmax + 1 : span;
    int32_t *by_k = malloc((size_t)(pc ? pc : 1) * sizeof(int32_t));
    int64_t *start = calloc((size_t)nb + 1, sizeof(int64_t));
    if (!by_k || !start) {
        free(by_k);
        free(start);
        free(order);
        return NULL;
    }
    for (int64_t q = 0; q < in->p; q++)
        if (in->counted[q])
            start[in->ptr[q + 1] - in->ptr[q] + 1]++;
    for (int64_t b = 0; b < nb; b++)
        start[b + 1] += start[b];
    for (int64_t q = 0; q < in->p; q++)
        if (in->counted[q])
            by_k[start[in->ptr[q + 1] - in->ptr[q]]++] = (int32_t)q;
    memset(start, 0, ((size_t)nb + 1) * sizeof(int64_t));
#define BUCKET(q) (known_year(in, q) ? known_year(in, q) - ymin + 1 : 0)
    for (int64_t i = 0; i < pc; i++)
        start[BUCKET(by_k[i]) + 1]++;
    for (int64_t b = 0; b < nb; b++)
        start[b + 1] += start[b];
    for (int64_t i = 0; i < pc; i++)
        order[start[BUCKET(by_k[i])]++] = by_k[i];
#undef BUCKET
    free(by_k);
    free(start);
    return order;
}

/* A CSR transpose: for every author, the papers of `list` (in that order) it is a member of.
 * `ptr` (n+1) holds each author's count at [a+1] on entry, the offsets on return. */
static void
transpose(const In *in, const int32_t *list, int64_t len, int64_t *ptr, int32_t *out)
{
    for (int64_t a = 0; a < in->n; a++)
        ptr[a + 1] += ptr[a];
    for (int64_t i = 0; i < len; i++) {
        int64_t q = list ? list[i] : i;
        if (list && i + 16 < len)
            __builtin_prefetch(&in->members[in->ptr[list[i + 16]]]);
        if (!list && !in->in_window[q])
            continue;
        for (int64_t j = in->ptr[q]; j < in->ptr[q + 1]; j++) {
            if (!list && j + 16 < in->ptr[in->p])
                __builtin_prefetch(&ptr[in->members[j + 16]], 1);
            out[ptr[in->members[j]]++] = (int32_t)q;
        }
    }
    /* ptr[a] is now where a's list ends: shift back to where it starts */
    memmove(ptr + 1, ptr, (size_t)in->n * sizeof(int64_t));
    ptr[0] = 0;
}

/* The outputs, written through the buffers `alloc` handed out. */
typedef struct {
    int64_t *indptr;
    int32_t *indices, *papers, *first_year, *last_year;
    double *weight;
    int release; /* the buffers map files: written pages may leave this process's memory */
} Out;

/* The graph of a prefix of the same memberships (the index's previous generation, before an
 * append): its rows that no new paper touches are copied, the others made again. */
typedef struct {
    int64_t n, p; /* its authors and papers: the first of the new ones */
    const int64_t *indptr, *app;
    const int32_t *indices, *papers, *first_year, *last_year, *ap;
    const double *weight;
    uint8_t *touched; /* per author of the new graph: a member of a new counted paper */
} Base;

/* Slots written between two releases of the written pages (16-32 MB of every slot array). */
enum { RELEASE_EVERY = 1 << 22 };

/* Items [from, to) of `base` are written for good: with `release`, their whole pages leave
 * the process (MADV_DONTNEED keeps a shared file mapping's data in the page cache, and the
 * build never reads them back), so a build written straight into the index files holds only
 * the part it is writing. Never called on anonymous memory, which it would zero. */
static void
release(int on, void *base, int64_t from, int64_t to, size_t size)
{
    if (!on)
        return;
    uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
    uintptr_t a = ((uintptr_t)base + (uintptr_t)from * size) & ~(page - 1);
    uintptr_t b = ((uintptr_t)base + (uintptr_t)to * size) & ~(page - 1);
    if (b > a)
        madvise((void *)a, b - a, MADV_DONTNEED);
}

static void
release_slots(const Out *out, int64_t from, int64_t to)
{
    release(out->release, out->indices, from, to, 4);
    release(out->release, out->papers, from, to, 4);
    release(out->release, out->first_year, from, to, 4);
    release(out->release, out->last_year, from, to, 4);
    release(out->release, out->weight, from, to, 8);
}

/* Room for `need` items of `size` bytes in *buf (capacity *cap); -1 when out of memory. */
static int
grow(void **buf, int64_t *cap, int64_t need, size_t size)
{
    if (need <= *cap)
        return 0;
    int64_t c = *cap ? *cap : 256;
    while (c < need)
        c *= 2;
    void *t = realloc(*buf, (size_t)c * size);
    if (!t)
        return -1;
    *buf = t;
    *cap = c;
    return 0;
}

/* How far ahead the paper rows of an author's list are prefetched. */
enum { AHEAD = 8 };

/* Per author: rows of co-authors through the counted papers `cp` (offsets `cptr`) in label
 * order. `tag[v]` is (row + 1) << 32 | v's position in the row's discovery order, so a row's
 * aggregates live in small local arrays and the one random access per pair is to `tag`
 * (8 bytes an author: mostly in the cache). With `out` NULL only the row lengths are
 * written, to indptr[1..n] as offsets. */
static int
rows(const In *in, const int64_t *cptr, const int32_t *cp, uint64_t *tag, int64_t *indptr,
     const Out *out, const Base *old)
{
    struct Agg *agg = NULL;
    uint64_t *key = NULL;
    int64_t *off = NULL;
    double *buf = NULL;
    int64_t agg_cap = 0, key_cap = 0, off_cap = 0, buf_cap = 0, released = 0;
    const int64_t *ptr = in->ptr;
    const int32_t *members = in->members;
    const int64_t cend = cptr[in->n];
    int rc = -1;
    for (int64_t u = 0; u < in->n; u++) {
        if (out && indptr[u] - released >= RELEASE_EVERY) {
            release_slots(out, released, indptr[u]);
            released = indptr[u];
        }
        if (old && !old->touched[u]) { /* the old row, or none for a new author */
            int64_t from = u < old->n ? old->indptr[u] : 0;
            int64_t d = u < old->n ? old->indptr[u + 1] - from : 0;
            if (!out) {
                indptr[u + 1] = indptr[u] + d;
            } else if (d) {
                int64_t to = indptr[u];
                memcpy(out->indices + to, old->indices + from, (size_t)d * 4);
                memcpy(out->papers + to, old->papers + from, (size_t)d * 4);
                memcpy(out->first_year + to, old->first_year + from, (size_t)d * 4);
                memcpy(out->last_year + to, old->last_year + from, (size_t)d * 4);
                memcpy(out->weight + to, old->weight + from, (size_t)d * 8);
            }
            continue;
        }
        uint64_t stamp = (uint64_t)(u + 1) << 32;
        int64_t d = 0, heavy = 0, lo = cptr[u], hi = cptr[u + 1];
        for (int64_t i = lo; i < hi; i++) {
            /* the papers ahead, across rows: most authors have only a few */
            if (i + 2 * AHEAD < cend)
                __builtin_prefetch(&ptr[cp[i + 2 * AHEAD]]);
            if (i + AHEAD < cend) {
                int64_t ahead = cp[i + AHEAD];
                __builtin_prefetch(&members[ptr[ahead]]);
                if (out)
                    __builtin_prefetch(&in->year[ahead]);
            }
            if (i + AHEAD / 2 < cend) {
                int64_t ahead = cp[i + AHEAD / 2];
                for (int64_t j = ptr[ahead]; j < ptr[ahead + 1]; j++)
                    __builtin_prefetch(&tag[members[j]], 1);
            }
            int64_t q = cp[i], a = ptr[q], b = ptr[q + 1];
            if (!out) {
                for (int64_t j = a; j < b; j++) {
                    int32_t v = members[j];
                    if (v != u && (tag[v] & ~(uint64_t)0xFFFFFFFF) != stamp) {
                        tag[v] = stamp;
                        d++;
                    }
                }
                continue;
            }
            if (grow((void **)&agg, &agg_cap, d + (b - a), sizeof(struct Agg)) < 0 ||
                grow((void **)&key, &key_cap, d + (b - a), sizeof(uint64_t)) < 0)
                goto done;
            int32_t y = known_year(in, q);
            double w = 1.0 / (double)(b - a - 1);
            for (int64_t j = a; j < b; j++) {
                int32_t v = members[j];
                if (v == u)
                    continue;
                uint64_t t = tag[v];
                if ((t & ~(uint64_t)0xFFFFFFFF) != stamp) {
                    tag[v] = stamp | (uint64_t)d;
                    key[d] = (uint64_t)v << 32 | (uint64_t)d;
                    agg[d] = (struct Agg){1, y, y, 0, w, 0.0};
                    d++;
                } else {
                    struct Agg *e = &agg[t & 0xFFFFFFFF];
                    e->papers++;
                    if (!e->first)
                        e->first = y;
                    e->last = y;
                    e->rest += w;
                    heavy |= e->papers > 8;
                }
            }
        }
        if (!out) {
            indptr[u + 1] = indptr[u] + d;
            continue;
        }
        sort_u64(key, d);
        int64_t base = indptr[u];
        for (int64_t s = 0; s < d; s++) {
            struct Agg *e = &agg[key[s] & 0xFFFFFFFF];
            e->slot = (int32_t)s;
            out->indices[base + s] = (int32_t)(key[s] >> 32);
            out->papers[base + s] = e->papers;
            out->first_year[base + s] = e->first;
            out->last_year[base + s] = e->last;
            out->weight[base + s] = e->w0 + e->rest;
        }
        if (!heavy)
            continue;
        /* an edge of more than 8 papers: its values gathered in order, summed as numpy does */
        if (grow((void **)&off, &off_cap, d + 1, sizeof(int64_t)) < 0)
            goto done;
        off[0] = 0;
        for (int64_t s = 0; s < d; s++)
            off[s + 1] = off[s] + agg[key[s] & 0xFFFFFFFF].papers;
        if (grow((void **)&buf, &buf_cap, off[d], sizeof(double)) < 0)
            goto done;
        for (int64_t i = lo; i < hi; i++) {
            int64_t q = cp[i], a = ptr[q], b = ptr[q + 1];
            double w = 1.0 / (double)(b - a - 1);
            for (int64_t j = a; j < b; j++)
                if (members[j] != u)
                    buf[off[agg[tag[members[j]] & 0xFFFFFFFF].slot]++] = w;
        }
        for (int64_t s = 0; s < d; s++) {
            int64_t c = agg[key[s] & 0xFFFFFFFF].papers;
            if (c > 8) {
                const double *v = buf + off[s] - c;
                out->weight[base + s] = v[0] + pairwise(v + 1, c - 1);
            }
        }
    }
    if (out)
        release_slots(out, released, indptr[in->n]);
    rc = 0;
done:
    free(agg);
    free(key);
    free(off);
    free(buf);
    return rc;
}

/* Every author's papers in the window: its list in the old graph, then the new papers it is a
 * member of (their indices come after all old ones: the lists stay ascending). `app` holds
 * each author's count at [a+1] on entry, the offsets on return. */
static void
extend_lists(const In *in, const Base *old, int64_t *app, int32_t *ap)
{
    for (int64_t a = 0; a < in->n; a++)
        app[a + 1] += app[a];
    for (int64_t a = 0; a < old->n; a++) {
        int64_t c = old->app[a + 1] - old->app[a];
        memcpy(ap + app[a], old->ap + old->app[a], (size_t)c * sizeof(int32_t));
        app[a] += c;
    }
    for (int64_t q = old->p; q < in->p; q++)
        if (in->in_window[q])
            for (int64_t j = in->ptr[q]; j < in->ptr[q + 1]; j++)
                ap[app[in->members[j]]++] = (int32_t)q;
    memmove(app + 1, app, (size_t)in->n * sizeof(int64_t));
    app[0] = 0;
}

/* The counted papers of the touched authors in label order (offsets in `cptr`, zero on entry;
 * the other authors' lists are empty), from their lists `ap`. NULL when out of memory. */
static int32_t *
touched_lists(const In *in, const Base *old, const int64_t *app, const int32_t *ap,
              int64_t *cptr)
{
    int64_t most = 0;
    for (int64_t a = 0; a < in->n; a++) {
        if (old->touched[a])
            for (int64_t i = app[a]; i < app[a + 1]; i++)
                cptr[a + 1] += in->counted[ap[i]] != 0;
        if (cptr[a + 1] > most)
            most = cptr[a + 1];
        cptr[a + 1] += cptr[a];
    }
    int32_t *cp = malloc((size_t)(cptr[in->n] ? cptr[in->n] : 1) * sizeof(int32_t));
    struct YKP *t = malloc((size_t)(most ? most : 1) * sizeof(struct YKP));
    if (!cp || !t) {
        free(cp);
        free(t);
        return NULL;
    }
    for (int64_t a = 0; a < in->n; a++) {
        if (!old->touched[a])
            continue;
        int64_t c = 0;
        for (int64_t i = app[a]; i < app[a + 1]; i++) {
            int64_t q = ap[i];
            if (in->counted[q])
                t[c++] = (struct YKP){known_year(in, q), (int32_t)(in->ptr[q + 1] - in->ptr[q]),
                                      (int32_t)q};
        }
        qsort(t, (size_t)c, sizeof(struct YKP), cmp_ykp);
        for (int64_t i = 0; i < c; i++)
            cp[cptr[a] + i] = t[i].p;
    }
    free(t);
    return cp;
}

/* alloc(name, length) as a writable buffer of `itemsize`-byte items of `kinds`. */
static void *
take(PyObject *alloc, const char *name, int64_t len, Py_ssize_t itemsize, const char *kinds,
     Py_buffer *view)
{
    PyObject *arr = PyObject_CallFunction(alloc, "sL", name, (long long)len);
    if (!arr)
        return NULL;
    int rc = get_array(arr, view, itemsize, kinds, 1, name);
    Py_DECREF(arr); /* the view holds its own reference */
    if (rc < 0)
        return NULL;
    if (view->len != len * itemsize) {
        PyErr_Format(PyExc_ValueError, "alloc(%s, %lld) gave the wrong length", name,
                     (long long)len);
        PyBuffer_Release(view);
        return NULL;
    }
    return view->buf;
}

enum { N_IN = 5, N_OUT = 8, N_BASE = 8 };

/* The old graph of `base` = (p, indptr, indices, papers, first_year, last_year, weight,
 * author_paper_ptr, author_papers) in `old`, its buffers in `view`; -1 with an exception. */
static int
take_base(PyObject *base, const In *in, Base *old, Py_buffer *view, int *have)
{
    static const char *names[N_BASE] = {"indptr", "indices", "papers", "first_year",
                                        "last_year", "weight", "author_paper_ptr",
                                        "author_papers"};
    long long p;
    PyObject *o[N_BASE];
    if (!PyArg_ParseTuple(base, "LOOOOOOOO", &p, &o[0], &o[1], &o[2], &o[3], &o[4], &o[5],
                          &o[6], &o[7]))
        return -1;
    for (; *have < N_BASE; (*have)++) {
        int i = *have, wide = i == 0 || i == 5 || i == 6;
        if (get_array(o[i], &view[i], wide ? 8 : 4, i == 5 ? "d" : wide ? "qlQL" : "iI", 0,
                      names[i]) < 0)
            return -1;
    }
    *old = (Base){.n = view[0].len / 8 - 1, .p = p, .indptr = view[0].buf,
                  .indices = view[1].buf, .papers = view[2].buf, .first_year = view[3].buf,
                  .last_year = view[4].buf, .weight = view[5].buf, .app = view[6].buf,
                  .ap = view[7].buf};
    int64_t slots = old->n >= 0 ? old->indptr[old->n] : -1;
    if (old->n < 0 || old->n > in->n || p < 0 || p > in->p || view[6].len != view[0].len ||
        view[1].len / 4 != slots || view[2].len / 4 != slots || view[3].len / 4 != slots ||
        view[4].len / 4 != slots || view[5].len / 8 != slots ||
        view[7].len / 4 != old->app[old->n] || old->app[old->n] > in->ptr[p]) {
        PyErr_SetString(PyExc_ValueError, "build_csr: the base graph does not fit");
        return -1;
    }
    return 0;
}

PyObject *
native_build_csr(PyObject *module, PyObject *args)
{
    (void)module;
    long long n_arg;
    PyObject *obj[N_IN], *alloc, *base_obj = Py_None;
    int files = 0;
    if (!PyArg_ParseTuple(args, "LOOOOOO|pO", &n_arg, &obj[0], &obj[1], &obj[2], &obj[3],
                          &obj[4], &alloc, &files, &base_obj))
        return NULL;
    if (n_arg < 0 || n_arg >= INT32_MAX) {
        PyErr_SetString(PyExc_ValueError, "build_csr: n must be in [0, 2**31 - 1)");
        return NULL;
    }
    static const char *names[N_IN] = {"paper_ptr", "paper_members", "paper_year", "counted",
                                      "in_window"};
    static const Py_ssize_t sizes[N_IN] = {8, 4, 4, 1, 1};
    static const char *kinds[N_IN] = {"qlQL", "iI", "iI", "?bB", "?bB"};
    Py_buffer view[N_IN], outv[N_OUT], bview[N_BASE];
    int have = 0, have_out = 0, have_base = 0;
    PyObject *result = NULL;
    int64_t *cptr = NULL;
    int32_t *cp = NULL, *order = NULL;
    uint64_t *tag = NULL;
    Base base = {0}, *old = NULL;
    for (; have < N_IN; have++)
        if (get_array(obj[have], &view[have], sizes[have], kinds[have], 0, names[have]) < 0)
            goto done;
    In in = {.n = n_arg,
             .p = view[2].len / 4,
             .ptr = view[0].buf,
             .members = view[1].buf,
             .year = view[2].buf,
             .counted = view[3].buf,
             .in_window = view[4].buf};
    if (view[0].len / 8 != in.p + 1 || view[3].len != in.p || view[4].len != in.p ||
        in.ptr[0] != 0 || in.ptr[in.p] > view[1].len / 4 || in.p >= INT32_MAX) {
        PyErr_SetString(PyExc_ValueError, "build_csr: the arrays' lengths do not agree");
        goto done;
    }
    if (base_obj != Py_None) {
        if (take_base(base_obj, &in, &base, bview, &have_base) < 0)
            goto done;
        if (!(base.touched = calloc((size_t)(in.n ? in.n : 1), 1))) {
            PyErr_NoMemory();
            goto done;
        }
        old = &base;
    }
    int64_t *app = take(alloc, "author_paper_ptr", in.n + 1, 8, "qlQL", &outv[have_out]);
    if (!app)
        goto done;
    have_out++;
    int64_t *indptr = take(alloc, "indptr", in.n + 1, 8, "qlQL", &outv[have_out]);
    if (!indptr)
        goto done;
    have_out++;
    int bad = 0, nomem = 0;
    int64_t in_len = 0, pc = 0;
    Py_BEGIN_ALLOW_THREADS
    memset(app, 0, (size_t)(in.n + 1) * sizeof(int64_t));
    memset(indptr, 0, (size_t)(in.n + 1) * sizeof(int64_t));
    cptr = calloc((size_t)in.n + 1, sizeof(int64_t));
    nomem = !cptr;
    if (old) { /* the old papers: counted from its lists, trusted */
        for (int64_t a = 0; a < old->n; a++)
            app[a + 1] = old->app[a + 1] - old->app[a];
        in_len = old->app[old->n];
    }
    for (int64_t q = old ? old->p : 0; q < in.p && !bad && !nomem; q++) {
        if (in.ptr[q + 1] < in.ptr[q]) {
            bad = 1;
            break;
        }
        if (!in.in_window[q])
            continue;
        for (int64_t j = in.ptr[q]; j < in.ptr[q + 1]; j++) {
            int32_t a = in.members[j];
            if (a < 0 || a >= in.n) {
                bad = 1;
                break;
            }
            app[a + 1]++;
            if (in.counted[q]) {
                if (old)
                    old->touched[a] = 1;
                else
                    cptr[a + 1]++;
            }
        }
        in_len += in.ptr[q + 1] - in.ptr[q];
        pc += in.counted[q] != 0;
    }
    Py_END_ALLOW_THREADS
    if (nomem || bad) {
        if (nomem)
            PyErr_NoMemory();
        else
            PyErr_SetString(PyExc_ValueError,
                            "build_csr: paper_ptr decreases or a member is not a node");
        goto done;
    }
    int32_t *ap = take(alloc, "author_papers", in_len, 4, "iI", &outv[have_out]);
    if (!ap)
        goto done;
    have_out++;
    Py_BEGIN_ALLOW_THREADS
    if (old) {
        extend_lists(&in, old, app, ap);
        cp = touched_lists(&in, old, app, ap, cptr);
    } else {
        transpose(&in, NULL, in.p, app, ap);
        order = label_order(&in, pc);
        int64_t c_len = 0;
        for (int64_t a = 0; a < in.n; a++)
            c_len += cptr[a + 1];
        if (order)
            cp = malloc((size_t)(c_len ? c_len : 1) * sizeof(int32_t));
        if (cp)
            transpose(&in, order, pc, cptr, cp);
        free(order);
        order = NULL;
    }
    release(files, ap, 0, in_len, 4);
    tag = calloc((size_t)(in.n ? in.n : 1), sizeof(uint64_t));
    nomem = !cp || !tag || rows(&in, cptr, cp, tag, indptr, NULL, old) < 0;
    Py_END_ALLOW_THREADS
    if (nomem) {
        PyErr_NoMemory();
        goto done;
    }
    int64_t slots = indptr[in.n];
    Out out = {.indptr = indptr, .release = files};
    static const char *slot_names[5] = {"indices", "papers", "first_year", "last_year",
                                        "weight"};
    void **dst[5] = {(void **)&out.indices, (void **)&out.papers, (void **)&out.first_year,
                     (void **)&out.last_year, (void **)&out.weight};
    for (int i = 0; i < 5; i++) {
        *dst[i] = take(alloc, slot_names[i], slots, i < 4 ? 4 : 8, i < 4 ? "iI" : "d",
                       &outv[have_out]);
        if (!*dst[i])
            goto done;
        have_out++;
    }
    Py_BEGIN_ALLOW_THREADS
    memset(tag, 0, (size_t)in.n * sizeof(uint64_t));
    nomem = rows(&in, cptr, cp, tag, indptr, &out, old) < 0;
    Py_END_ALLOW_THREADS
    if (nomem) {
        PyErr_NoMemory();
        goto done;
    }
    result = PyLong_FromLongLong((long long)(slots / 2));
done:
    free(cptr);
    free(cp);
    free(order);
    free(tag);
    free(base.touched);
    while (have_out > 0)
        PyBuffer_Release(&outv[--have_out]);
    while (have_base > 0)
        PyBuffer_Release(&bview[--have_base]);
    while (have > 0)
        PyBuffer_Release(&view[--have]);
    return result;
}
