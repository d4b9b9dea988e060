/* graphsvc._native: the unmasked searches of graphsvc.graph (bidirectional BFS, strongest path,
 * collaborators' order) in C.
 *
 * Optional: built by setuptools during `pip install -e .` when a C compiler is present;
 * graphsvc.graph.native falls back to the pure-Python/numpy search when the module is missing
 * or GRAPHSVC_NATIVE=0. The answers are the same (tests/test_native.py runs both).
 *
 * A Search holds the graph's CSR arrays through the buffer protocol (no copy: memory-mapped
 * index files included) and its own per-thread work arrays, so a query touches only the nodes
 * it reaches: each array entry is (stamp << 32 | level) and an entry below the query's base
 * (stamp << 32) reads as unvisited, so nothing is ever cleared.  The search is level
 * synchronous and always expands the side whose frontier has fewer adjacency slots, exactly
 * the rule of the Python search, so distances, chain counts and the chain chosen are the same.
 * The GIL is released while a search runs (one Search per thread: see graph/workspace.py).
 */
#include "_native.h"
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    PyObject_HEAD
    Py_buffer indptr_buf, indices_buf, papers_buf, first_buf, last_buf, weight_buf;
    const int64_t *indptr;
    const int32_t *indices;
    const int32_t *papers;
    const int32_t *first_year, *last_year; /* per slot, for collaborators (optional) */
    const double *weight;
    int64_t n;
    uint64_t stamp;
    uint64_t *dist[2];  /* per side: stamp << 32 | level */
    uint64_t *sigma[2]; /* per side: shortest chains from the side's root (counting only) */
    uint64_t *mark;     /* chain walk: stamp << 32 | position, for the s side's pruned layers */
    int32_t *queue[2];  /* per side: the nodes reached, level after level */
    int32_t *met;       /* the meeting layer (and the pruned layers of a chain walk) */
    int64_t met_cap;
    struct RowEntry *rows; /* collaborators: one row's slots, to sort */
    int64_t rows_cap;
    /* strongest path */
    double *cost[2];      /* per side: cost from the root, valid where dist[side] is stamped */
    uint64_t *mark2;      /* tie-break: the t side's walk and hops */
    struct HeapItem *heap[2];
    int64_t heap_cap[2];
    struct Hop *hops;     /* tie-break: the hops of every optimal chain, s -> t */
    int64_t hops_len, hops_cap;
} SearchObject;

struct HeapItem {
    double c;
    int32_t v;
};

struct Hop {
    int32_t a, b;
    double through; /* crossings: the chain's cost through this hop */
};

struct RowEntry {
    int32_t papers, last_year;
    int64_t slot;
};

enum { MODE_DIST = 0, MODE_LAYER = 1, MODE_COUNT = 2 };

/* Outcome of one search. */
typedef struct {
    int64_t d;      /* -1: not connected (within max_length) */
    int64_t ls, lt; /* levels explored from s and t when they met (d = ls + lt) */
    int64_t n_met;  /* meeting nodes in met[] (MODE_LAYER, MODE_COUNT) */
    uint64_t count; /* MODE_COUNT: number of shortest chains */
    int overflow;   /* MODE_COUNT: the count passed 2**64 */
    uint64_t base;
} Outcome;

int
get_array(PyObject *obj, Py_buffer *view, Py_ssize_t itemsize, const char *kinds, int writable,
          const char *what)
{
    int flags = PyBUF_C_CONTIGUOUS | PyBUF_FORMAT | (writable ? PyBUF_WRITABLE : 0);
    if (PyObject_GetBuffer(obj, view, flags) < 0)
        return -1;
    const char *f = view->format ? view->format : "B";
    if (*f == '<' || *f == '=' || *f == '@')
        f++;
    if (view->itemsize != itemsize || f[0] == '\0' || f[1] != '\0' || !strchr(kinds, f[0])) {
        PyErr_Format(PyExc_TypeError, "%s: expected a contiguous array of %zd-byte items, got "
                     "format '%s'", what, itemsize, view->format ? view->format : "B");
        PyBuffer_Release(view);
        return -1;
    }
    return 0;
}

static void
Search_dealloc(SearchObject *self)
{
    for (int i = 0; i < 2; i++) {
        free(self->dist[i]);
        free(self->sigma[i]);
        free(self->queue[i]);
    }
    free(self->mark);
    free(self->met);
    free(self->rows);
    for (int i = 0; i < 2; i++) {
        free(self->cost[i]);
        free(self->heap[i]);
    }
    free(self->mark2);
    free(self->hops);
    if (self->indptr)
        PyBuffer_Release(&self->indptr_buf);
    if (self->indices)
        PyBuffer_Release(&self->indices_buf);
    if (self->papers)
        PyBuffer_Release(&self->papers_buf);
    if (self->first_year)
        PyBuffer_Release(&self->first_buf);
    if (self->last_year)
        PyBuffer_Release(&self->last_buf);
    if (self->weight)
        PyBuffer_Release(&self->weight_buf);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static int
Search_init(SearchObject *self, PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {"indptr", "indices", "papers", "first_year", "last_year", "weight",
                             NULL};
    PyObject *ip, *ix, *pp, *fy = NULL, *ly = NULL, *wt = NULL;
    if (self->indptr) {
        PyErr_SetString(PyExc_RuntimeError, "Search is already initialised");
        return -1;
    }
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OOO|OOO", kwlist, &ip, &ix, &pp, &fy, &ly,
                                     &wt))
        return -1;
    if (get_array(ip, &self->indptr_buf, 8, "qlQL", 0, "indptr") < 0)
        return -1;
    self->indptr = self->indptr_buf.buf;
    if (get_array(ix, &self->indices_buf, 4, "iI", 0, "indices") < 0)
        return -1;
    self->indices = self->indices_buf.buf;
    if (get_array(pp, &self->papers_buf, 4, "iI", 0, "papers") < 0)
        return -1;
    self->papers = self->papers_buf.buf;
    Py_ssize_t np1 = self->indptr_buf.len / 8;
    if (np1 < 1) {
        PyErr_SetString(PyExc_ValueError, "indptr must have n + 1 entries");
        return -1;
    }
    self->n = np1 - 1;
    int64_t slots = self->indices_buf.len / 4;
    if (self->indptr[0] != 0 || self->indptr[self->n] != slots ||
        self->papers_buf.len / 4 != slots) {
        PyErr_SetString(PyExc_ValueError, "indptr, indices and papers do not describe one CSR");
        return -1;
    }
    if (fy && ly && wt) {
        if (get_array(fy, &self->first_buf, 4, "iI", 0, "first_year") < 0)
            return -1;
        self->first_year = self->first_buf.buf;
        if (get_array(ly, &self->last_buf, 4, "iI", 0, "last_year") < 0)
            return -1;
        self->last_year = self->last_buf.buf;
        if (PyObject_GetBuffer(wt, &self->weight_buf, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) < 0)
            return -1;
        self->weight = self->weight_buf.buf;
        const char *f = self->weight_buf.format ? self->weight_buf.format : "B";
        if (*f == '<' || *f == '=' || *f == '@')
            f++;
        if (strcmp(f, "d") != 0 || self->weight_buf.itemsize != 8) {
            PyErr_SetString(PyExc_TypeError, "weight: expected a contiguous float64 array");
            return -1;
        }
        if (self->first_buf.len / 4 != slots || self->last_buf.len / 4 != slots ||
            self->weight_buf.len / 8 != slots) {
            PyErr_SetString(PyExc_ValueError, "first_year, last_year and weight need one entry "
                                              "per slot");
            return -1;
        }
    }
    size_t n = (size_t)(self->n ? self->n : 1);
    for (int i = 0; i < 2; i++) {
        /* calloc maps fresh zero pages lazily: a query pays only for the pages it touches */
        self->dist[i] = calloc(n, sizeof(uint64_t));
        self->queue[i] = malloc(n * sizeof(int32_t));
        if (!self->dist[i] || !self->queue[i]) {
            PyErr_NoMemory();
            return -1;
        }
    }
    return 0;
}

static int
ensure_sigma(SearchObject *self)
{
    size_t n = (size_t)(self->n ? self->n : 1);
    for (int i = 0; i < 2; i++)
        if (!self->sigma[i] && !(self->sigma[i] = malloc(n * sizeof(uint64_t))))
            return -1;
    return 0;
}

static int
ensure_mark(SearchObject *self)
{
    if (!self->mark && !(self->mark = calloc((size_t)(self->n ? self->n : 1), sizeof(uint64_t))))
        return -1;
    return 0;
}

/* Room for one more node in met[] (at most n are ever stored). */
static inline int
met_push(SearchObject *self, int64_t *len, int32_t v)
{
    if (*len == self->met_cap) {
        int64_t cap = self->met_cap ? 2 * self->met_cap : 64;
        int32_t *m = realloc(self->met, (size_t)cap * sizeof(int32_t));
        if (!m)
            return -1;
        self->met = m;
        self->met_cap = cap;
    }
    self->met[(*len)++] = v;
    return 0;
}

static inline int64_t
row_work(const int64_t *indptr, const int32_t *q, int64_t a, int64_t b)
{
    int64_t w = 0;
    for (int64_t i = a; i < b; i++)
        w += indptr[q[i] + 1] - indptr[q[i]];
    return w;
}

/* The bidirectional BFS from s to t. Returns 0, or -1 when out of memory (no exception set:
 * the caller holds no GIL). */
static uint64_t
new_base(SearchObject *self)
{
    if (self->stamp >= UINT32_MAX - 1) {
        /* 2**32 queries on this thread: the stamps would wrap, so start the arrays afresh */
        size_t bytes = (size_t)(self->n ? self->n : 1) * sizeof(uint64_t);
        memset(self->dist[0], 0, bytes);
        memset(self->dist[1], 0, bytes);
        if (self->mark)
            memset(self->mark, 0, bytes);
        if (self->mark2)
            memset(self->mark2, 0, bytes);
        self->stamp = 0;
    }
    return (++self->stamp) << 32;
}

static int
search(SearchObject *self, int64_t s, int64_t t, int64_t max_length, int mode, Outcome *out)
{
    const int64_t *indptr = self->indptr;
    const int32_t *indices = self->indices;
    uint64_t base = new_base(self);
    uint64_t *dist[2] = {self->dist[0], self->dist[1]};
    uint64_t *sig[2] = {self->sigma[0], self->sigma[1]};
    int32_t *q[2] = {self->queue[0], self->queue[1]};
    int64_t start[2] = {0, 0}, end[2] = {1, 1}, lev[2] = {0, 0}, work[2];
    memset(out, 0, sizeof(*out));
    out->base = base;
    out->d = -1;
    dist[0][s] = base;
    dist[1][t] = base;
    q[0][0] = (int32_t)s;
    q[1][0] = (int32_t)t;
    if (mode == MODE_COUNT) {
        sig[0][s] = 1;
        sig[1][t] = 1;
    }
    if (s == t) {
        out->d = 0;
        out->count = 1;
        out->n_met = 0;
        if (mode != MODE_DIST && met_push(self, &out->n_met, (int32_t)s) < 0)
            return -1;
        return 0;
    }
    work[0] = indptr[s + 1] - indptr[s];
    work[1] = indptr[t + 1] - indptr[t];
    while (start[0] < end[0] && start[1] < end[1]) {
        if (max_length >= 0 && lev[0] + lev[1] >= max_length)
            return 0;
        int side = work[0] <= work[1] ? 0 : 1, other = 1 - side;
        uint64_t *mine = dist[side], *theirs = dist[other];
        uint64_t *ms = sig[side];
        int32_t *qq = q[side];
        int64_t level = lev[side] + 1;
        uint64_t stamp = base + (uint64_t)level;
        int64_t tail = end[side], n_met = 0;
        for (int64_t i = start[side]; i < end[side]; i++) {
            int32_t u = qq[i];
            uint64_t su = mode == MODE_COUNT ? ms[u] : 0;
            for (int64_t k = indptr[u], e = indptr[u + 1]; k < e; k++) {
                int32_t v = indices[k];
                uint64_t dv = mine[v];
                if (dv < base) {
                    mine[v] = stamp;
                    qq[tail++] = v;
                    if (mode == MODE_COUNT)
                        ms[v] = su;
                    if (theirs[v] >= base) {
                        if (mode == MODE_DIST) {
                            out->d = level + lev[other];
                            return 0;
                        }
                        if (met_push(self, &n_met, v) < 0)
                            return -1;
                    }
                }
                else if (mode == MODE_COUNT && dv == stamp) {
                    if (__builtin_add_overflow(ms[v], su, &ms[v]))
                        out->overflow = 1;
                }
            }
        }
        if (n_met) {
            lev[side] = level;
            out->d = lev[0] + lev[1];
            out->ls = lev[0];
            out->lt = lev[1];
            out->n_met = n_met;
            if (mode == MODE_COUNT) {
                uint64_t total = 0, x;
                uint64_t *os = sig[other];
                for (int64_t i = 0; i < n_met; i++) {
                    int32_t v = self->met[i];
                    if (__builtin_mul_overflow(ms[v], os[v], &x) ||
                        __builtin_add_overflow(total, x, &total))
                        out->overflow = 1;
                }
                out->count = total;
            }
            return 0;
        }
        start[side] = end[side];
        end[side] = tail;
        lev[side] = level;
        work[side] = row_work(indptr, qq, start[side], end[side]);
    }
    return 0;
}

static int
check_node(SearchObject *self, int64_t u, const char *what)
{
    if (u < 0 || u >= self->n) {
        PyErr_Format(PyExc_IndexError, "%s node %lld is outside 0..%lld", what, (long long)u,
                     (long long)self->n - 1);
        return -1;
    }
    return 0;
}

/* The (s, t, max_length=-1) arguments of a search between two nodes, checked. */
static int
pair_args(SearchObject *self, PyObject *args, long long *s, long long *t, long long *max_length)
{
    *max_length = -1;
    if (!PyArg_ParseTuple(args, "LL|L", s, t, max_length))
        return -1;
    if (check_node(self, *s, "source") < 0 || check_node(self, *t, "target") < 0)
        return -1;
    return 0;
}

static PyObject *
Search_distance(SearchObject *self, PyObject *args)
{
    long long s, t, max_length;
    if (pair_args(self, args, &s, &t, &max_length) < 0)
        return NULL;
    Outcome o;
    int rc;
    Py_BEGIN_ALLOW_THREADS
    rc = search(self, s, t, max_length, MODE_DIST, &o);
    Py_END_ALLOW_THREADS
    if (rc < 0)
        return PyErr_NoMemory();
    if (o.d < 0)
        Py_RETURN_NONE;
    return PyLong_FromLongLong(o.d);
}

static PyObject *
Search_distance_count(SearchObject *self, PyObject *args)
{
    long long s, t, max_length;
    if (pair_args(self, args, &s, &t, &max_length) < 0)
        return NULL;
    if (ensure_sigma(self) < 0)
        return PyErr_NoMemory();
    Outcome o;
    int rc;
    Py_BEGIN_ALLOW_THREADS
    rc = search(self, s, t, max_length, MODE_COUNT, &o);
    Py_END_ALLOW_THREADS
    if (rc < 0)
        return PyErr_NoMemory();
    if (o.d < 0)
        return Py_BuildValue("(Oi)", Py_None, 0);
    if (o.overflow)
        return Py_BuildValue("(LO)", (long long)o.d, Py_None);
    return Py_BuildValue("(LK)", (long long)o.d, (unsigned long long)o.count);
}

/* distance_count for many pairs: int64 buffers sources, targets (in), lengths and counts
 * (out: -1 for no chain; a count of -1 passed 2**63, for the caller to count exactly). */
static PyObject *
Search_distance_count_many(SearchObject *self, PyObject *args)
{
    PyObject *so, *to, *lo, *co;
    long long max_length = -1;
    if (!PyArg_ParseTuple(args, "OOOO|L", &so, &to, &lo, &co, &max_length))
        return NULL;
    Py_buffer sb, tb, lb, cb;
    if (get_array(so, &sb, 8, "qlQL", 0, "sources") < 0)
        return NULL;
    if (get_array(to, &tb, 8, "qlQL", 0, "targets") < 0) {
        PyBuffer_Release(&sb);
        return NULL;
    }
    if (get_array(lo, &lb, 8, "ql", 1, "lengths") < 0) {
        PyBuffer_Release(&sb);
        PyBuffer_Release(&tb);
        return NULL;
    }
    if (get_array(co, &cb, 8, "ql", 1, "counts") < 0) {
        PyBuffer_Release(&sb);
        PyBuffer_Release(&tb);
        PyBuffer_Release(&lb);
        return NULL;
    }
    PyObject *result = NULL;
    Py_ssize_t m = sb.len / 8;
    const int64_t *src = sb.buf, *tgt = tb.buf;
    int64_t *len = lb.buf, *cnt = cb.buf;
    if (tb.len / 8 != m || lb.len / 8 != m || cb.len / 8 != m) {
        PyErr_SetString(PyExc_ValueError, "sources, targets, lengths and counts differ in size");
        goto done;
    }
    for (Py_ssize_t i = 0; i < m; i++)
        if (check_node(self, src[i], "source") < 0 || check_node(self, tgt[i], "target") < 0)
            goto done;
    if (ensure_sigma(self) < 0) {
        PyErr_NoMemory();
        goto done;
    }
    int rc = 0;
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t i = 0; i < m && rc == 0; i++) {
        Outcome o;
        rc = search(self, src[i], tgt[i], max_length, MODE_COUNT, &o);
        len[i] = o.d;
        cnt[i] = o.d < 0 ? 0 : (o.overflow || o.count > (uint64_t)INT64_MAX) ? -1
                                                                            : (int64_t)o.count;
    }
    Py_END_ALLOW_THREADS
    if (rc < 0) {
        PyErr_NoMemory();
        goto done;
    }
    result = Py_NewRef(Py_None);
done:
    PyBuffer_Release(&sb);
    PyBuffer_Release(&tb);
    PyBuffer_Release(&lb);
    PyBuffer_Release(&cb);
    return result;
}

/* One shortest chain by the rule of graphsvc.graph.paths.shortest_path: from s, each step takes
 * the hop with the most joint papers, then the lowest node index, among the next nodes on some
 * shortest chain. Those are, on the s side of the meeting layer, the layers pruned back from it
 * (marked in self->mark), and past it every neighbour one level nearer t. */
static int
walk_chain(SearchObject *self, int64_t s, const Outcome *o, int32_t *path)
{
    const int64_t *indptr = self->indptr;
    const int32_t *indices = self->indices;
    const int32_t *papers = self->papers;
    const uint64_t *dist_s = self->dist[0], *dist_t = self->dist[1];
    uint64_t *mark = self->mark, base = o->base;
    int64_t d = o->d, ls = o->ls;
    /* met[a..b) holds layer j; the layer before is appended after it */
    int64_t a = 0, b = o->n_met, len = b;
    for (int64_t i = a; i < b; i++)
        mark[self->met[i]] = base + (uint64_t)ls;
    for (int64_t j = ls; j > 1; j--) {
        uint64_t want = base + (uint64_t)(j - 1);
        for (int64_t i = a; i < b; i++) {
            int32_t u = self->met[i];
            for (int64_t k = indptr[u], e = indptr[u + 1]; k < e; k++) {
                int32_t v = indices[k];
                if (dist_s[v] == want && mark[v] != want) {
                    mark[v] = want;
                    if (met_push(self, &len, v) < 0)
                        return -1;
                }
            }
        }
        a = b;
        b = len;
    }
    int32_t u = (int32_t)s;
    path[0] = u;
    for (int64_t j = 0; j < d; j++) {
        int64_t best = -1;
        int64_t best_papers = -1;
        int on_s_side = j + 1 <= ls;
        uint64_t want = on_s_side ? base + (uint64_t)(j + 1) : base + (uint64_t)(d - j - 1);
        for (int64_t k = indptr[u], e = indptr[u + 1]; k < e; k++) {
            int32_t v = indices[k];
            if ((on_s_side ? mark[v] : dist_t[v]) == want && papers[k] > best_papers) {
                best = v;
                best_papers = papers[k];
            }
        }
        if (best < 0)
            return -2; /* cannot happen: every marked node lies on a shortest chain */
        u = (int32_t)best;
        path[j + 1] = u;
    }
    return 0;
}

/* One search between the nodes of ``args`` (pair_args) in ``mode`` (MODE_LAYER, or MODE_COUNT
 * to count the chains as well: the meeting layer and the distances are the same) and the chain
 * walk_chain picks, as a list (None when unconnected). */
static PyObject *
chain_search(SearchObject *self, PyObject *args, int mode, Outcome *o)
{
    long long s, t, max_length;
    if (pair_args(self, args, &s, &t, &max_length) < 0)
        return NULL;
    if (ensure_mark(self) < 0 || (mode == MODE_COUNT && ensure_sigma(self) < 0))
        return PyErr_NoMemory();
    int rc;
    int32_t small[64], *path = small;
    Py_BEGIN_ALLOW_THREADS
    rc = search(self, s, t, max_length, mode, o);
    if (rc == 0 && o->d >= 0) {
        if (o->d + 1 > 64 && !(path = malloc((size_t)(o->d + 1) * sizeof(int32_t))))
            rc = -1;
        else
            rc = walk_chain(self, s, o, path);
    }
    Py_END_ALLOW_THREADS
    PyObject *out = NULL;
    if (rc == -1)
        PyErr_NoMemory();
    else if (rc == -2)
        PyErr_SetString(PyExc_RuntimeError, "shortest chain walk lost its way (a bug)");
    else if (o->d < 0)
        out = Py_NewRef(Py_None);
    else if ((out = PyList_New(o->d + 1))) {
        for (int64_t i = 0; i <= o->d; i++) {
            PyObject *x = PyLong_FromLong(path[i]);
            if (!x) {
                Py_CLEAR(out);
                break;
            }
            PyList_SET_ITEM(out, i, x);
        }
    }
    if (path != small)
        free(path);
    return out;
}

static PyObject *
Search_shortest_path(SearchObject *self, PyObject *args)
{
    Outcome o;
    return chain_search(self, args, MODE_LAYER, &o);
}

/* distance_count and shortest_path from one search: (hops, chains, [s, ..., t]), or
 * (None, 0, None) when unconnected; chains is None past 2**64. */
static PyObject *
Search_shortest_path_count(SearchObject *self, PyObject *args)
{
    Outcome o;
    PyObject *chain = chain_search(self, args, MODE_COUNT, &o);
    if (!chain)
        return NULL;
    if (o.d < 0)
        return Py_BuildValue("(OiN)", Py_None, 0, chain);
    if (o.overflow)
        return Py_BuildValue("(LON)", (long long)o.d, Py_None, chain);
    return Py_BuildValue("(LKN)", (long long)o.d, (unsigned long long)o.count, chain);
}

static int
row_order(const void *pa, const void *pb)
{
    const struct RowEntry *a = pa, *b = pb;
    if (a->papers != b->papers)
        return a->papers > b->papers ? -1 : 1;
    if (a->last_year != b->last_year)
        return a->last_year > b->last_year ? -1 : 1;
    return a->slot < b->slot ? -1 : a->slot > b->slot;
}

/* graphsvc.graph.neighbourhood.collaborators without names: the row of u as
 * (node, papers, first_year, last_year, weight), most joint papers first, then the most recent
 * joint year, then node index (the row's own order). */
static PyObject *
Search_collaborators(SearchObject *self, PyObject *args)
{
    long long u, min_papers = 1;
    if (!PyArg_ParseTuple(args, "L|L", &u, &min_papers))
        return NULL;
    if (!self->weight) {
        PyErr_SetString(PyExc_RuntimeError, "Search made without first_year, last_year, weight");
        return NULL;
    }
    if (check_node(self, u, "author") < 0)
        return NULL;
    int64_t a = self->indptr[u], b = self->indptr[u + 1], m = 0;
    if (b - a > self->rows_cap) {
        struct RowEntry *r = realloc(self->rows, (size_t)(b - a) * sizeof(*r));
        if (!r)
            return PyErr_NoMemory();
        self->rows = r;
        self->rows_cap = b - a;
    }
    for (int64_t k = a; k < b; k++) {
        /* min_papers 1 keeps every co-author, ties without papers included */
        if (min_papers > 1 && self->papers[k] < min_papers)
            continue;
        self->rows[m].papers = self->papers[k];
        self->rows[m].last_year = self->last_year[k];
        self->rows[m].slot = k;
        m++;
    }
    qsort(self->rows, (size_t)m, sizeof(struct RowEntry), row_order);
    PyObject *out = PyList_New(m);
    if (!out)
        return NULL;
    for (int64_t i = 0; i < m; i++) {
        int64_t k = self->rows[i].slot;
        PyObject *t = Py_BuildValue("(iiiid)", self->indices[k], self->papers[k],
                                    self->first_year[k], self->last_year[k], self->weight[k]);
        if (!t) {
            Py_DECREF(out);
            return NULL;
        }
        PyList_SET_ITEM(out, i, t);
    }
    return out;
}

/* ---------------------------------------------------------------- strongest path
 * graphsvc.graph.strongest.strongest_path without masks: the chain minimising the sum of
 * 1/papers (1/weight for a tie without papers), by a bidirectional Dijkstra. Costs within a
 * relative 1e-12 are equal; among those chains the fewest hops win, then the smallest node
 * indices from s, exactly as the Python search breaks ties. The search stops once the two heap
 * tops sum past mu + tol (mu: the best crossing between the settled sides): every node of a
 * chain of cost <= mu + tol is then settled on at least one side with its exact cost, and the
 * chain crosses between the sides through a settled-settled edge that was examined. */

static inline double
hop_w(const SearchObject *self, int64_t k)
{
    int32_t p = self->papers[k];
    if (p > 0)
        return 1.0 / (double)p;
    double strength = self->weight[k];
    return 1.0 / (strength > 0 ? strength : 1.0);
}

static int
heap_push(SearchObject *self, int side, int64_t *len, double c, int32_t v)
{
    if (*len == self->heap_cap[side]) {
        int64_t cap = self->heap_cap[side] ? 2 * self->heap_cap[side] : 256;
        struct HeapItem *h = realloc(self->heap[side], (size_t)cap * sizeof(*h));
        if (!h)
            return -1;
        self->heap[side] = h;
        self->heap_cap[side] = cap;
    }
    struct HeapItem *h = self->heap[side];
    int64_t i = (*len)++;
    while (i > 0) {
        int64_t up = (i - 1) / 2;
        if (h[up].c <= c)
            break;
        h[i] = h[up];
        i = up;
    }
    h[i].c = c;
    h[i].v = v;
    return 0;
}

static void
heap_pop(struct HeapItem *h, int64_t *len)
{
    struct HeapItem last = h[--(*len)];
    int64_t i = 0, n = *len;
    for (;;) {
        int64_t c = 2 * i + 1;
        if (c >= n)
            break;
        if (c + 1 < n && h[c + 1].c < h[c].c)
            c++;
        if (h[c].c >= last.c)
            break;
        h[i] = h[c];
        i = c;
    }
    if (n)
        h[i] = last;
}

static int
hop_push(SearchObject *self, int32_t a, int32_t b, double through)
{
    if (self->hops_len == self->hops_cap) {
        int64_t cap = self->hops_cap ? 2 * self->hops_cap : 256;
        struct Hop *h = realloc(self->hops, (size_t)cap * sizeof(*h));
        if (!h)
            return -1;
        self->hops = h;
        self->hops_cap = cap;
    }
    self->hops[self->hops_len].a = a;
    self->hops[self->hops_len].b = b;
    self->hops[self->hops_len].through = through;
    self->hops_len++;
    return 0;
}

/* stamps of dist[side]: base = labelled (cost[side] holds a tentative cost), base + 1 =
 * settled (the cost is exact) */
#define SETTLED(side, v) (dist[side][v] == base + 1)

static int
by_a(const void *x, const void *y)
{
    const struct Hop *p = x, *q = y;
    if (p->a != q->a)
        return p->a < q->a ? -1 : 1;
    return (p->b > q->b) - (p->b < q->b);
}

static int
by_b(const void *x, const void *y)
{
    const struct Hop *p = x, *q = y;
    if (p->b != q->b)
        return p->b < q->b ? -1 : 1;
    return (p->a > q->a) - (p->a < q->a);
}

/* Hops in [0, m) sorted by `a` (or by `b`): the first index whose key is >= key. */
static int64_t
lower(const struct Hop *h, int64_t m, int32_t key, int on_b)
{
    int64_t lo = 0, hi = m;
    while (lo < hi) {
        int64_t mid = (lo + hi) / 2;
        if ((on_b ? h[mid].b : h[mid].a) < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* BFS hops from root over the hop list sorted by a (forward) or by b (backward), written to
 * mk as base + 2 + hops. The queue is self->met. */
static int
dag_hops(SearchObject *self, struct Hop *h, int64_t m, int32_t root, int backward, uint64_t *mk,
         uint64_t base)
{
    int64_t len = 0;
    if (met_push(self, &len, root) < 0)
        return -1;
    mk[root] = base + 2;
    for (int64_t i = 0; i < len; i++) {
        int32_t x = self->met[i];
        uint64_t next = mk[x] + 1;
        for (int64_t j = lower(h, m, x, backward); j < m && (backward ? h[j].b : h[j].a) == x;
             j++) {
            int32_t y = backward ? h[j].a : h[j].b;
            if (mk[y] < base + 2) {
                mk[y] = next;
                if (met_push(self, &len, y) < 0)
                    return -1;
            }
        }
    }
    return 0;
}

/* Settle u on `side` at cost c: the crossings from u into the other side's settled nodes (of
 * cost within tol of the best, mu), and the offers to u's neighbours. */
static int
settle(SearchObject *self, int side, int32_t u, double c, uint64_t base, double *mu,
       int64_t *hlen)
{
    const int64_t *indptr = self->indptr;
    const int32_t *indices = self->indices;
    uint64_t *dist[2] = {self->dist[0], self->dist[1]};
    double *cost[2] = {self->cost[0], self->cost[1]};
    int other = 1 - side;
    dist[side][u] = base + 1;
    for (int64_t k = indptr[u], e = indptr[u + 1]; k < e; k++) {
        int32_t v = indices[k];
        double w = hop_w(self, k);
        if (SETTLED(other, v)) {
            /* summed as the Python search sums it: this side's cost, the hop, the other's */
            double through = c + w + cost[other][v];
            double lim = through < *mu ? through : *mu;
            if (through <= lim + 1e-12 * (lim > 1.0 ? lim : 1.0)) {
                if (hop_push(self, side ? v : u, side ? u : v, through) < 0)
                    return -1;
                *mu = lim;
            }
        }
        if (SETTLED(side, v))
            continue;
        double nc = c + w;
        if (dist[side][v] < base || nc < cost[side][v]) {
            dist[side][v] = base;
            cost[side][v] = nc;
            if (heap_push(self, side, hlen, nc, v) < 0)
                return -1;
        }
    }
    return 0;
}

/* Returns 0 with *plen = hops + 1 nodes in self->met (none when unconnected), -1 when out of
 * memory, -2 on a broken invariant. */
static int
strongest(SearchObject *self, int32_t s, int32_t t, double *out_cost, int64_t *plen)
{
    const int64_t *indptr = self->indptr;
    const int32_t *indices = self->indices;
    uint64_t base = new_base(self);
    uint64_t *dist[2] = {self->dist[0], self->dist[1]};
    double *cost[2] = {self->cost[0], self->cost[1]};
    int64_t hlen[2] = {0, 0};
    double mu = INFINITY;
    *plen = 0;
    self->hops_len = 0;
    /* both roots settled first: an s-t edge is the first crossing, and a side that runs out
     * has met the other root if they are connected */
    dist[1][t] = base + 1;
    cost[1][t] = 0.0;
    cost[0][s] = 0.0;
    if (settle(self, 0, s, 0.0, base, &mu, &hlen[0]) < 0 ||
        settle(self, 1, t, 0.0, base, &mu, &hlen[1]) < 0)
        return -1;
    for (;;) {
        double top[2];
        for (int side = 0; side < 2; side++) { /* drop stale entries */
            struct HeapItem *h = self->heap[side];
            while (hlen[side] && (SETTLED(side, h[0].v) || h[0].c > cost[side][h[0].v]))
                heap_pop(h, &hlen[side]);
            top[side] = hlen[side] ? h[0].c : INFINITY;
        }
        double tol = 1e-12 * (mu > 1.0 ? mu : 1.0);
        if (!hlen[0] && !hlen[1])
            break;
        if ((!hlen[0] || !hlen[1]) && isinf(mu))
            return 0; /* one end's component is settled and the other end is not in it */
        if (top[0] + top[1] > mu + tol)
            break;
        int side = !hlen[0] ? 1 : !hlen[1] ? 0 : hlen[0] <= hlen[1] ? 0 : 1;
        struct HeapItem it = self->heap[side][0];
        heap_pop(self->heap[side], &hlen[side]);
        if (settle(self, side, it.v, it.c, base, &mu, &hlen[side]) < 0)
            return -1;
    }
    if (isinf(mu))
        return 0;
    double tol = 1e-12 * (mu > 1.0 ? mu : 1.0);
    /* the crossings of cost mu (within tol), then the tight hops behind them on each side */
    int64_t m = 0;
    for (int64_t i = 0; i < self->hops_len; i++)
        if (self->hops[i].through <= mu + tol)
            self->hops[m++] = self->hops[i];
    self->hops_len = m;
    uint64_t *mk[2] = {self->mark, self->mark2};
    for (int side = 0; side < 2; side++) {
        int64_t len = 0;
        for (int64_t i = 0; i < m; i++) {
            int32_t x = side ? self->hops[i].b : self->hops[i].a;
            if (mk[side][x] < base + 1) {
                mk[side][x] = base + 1;
                if (met_push(self, &len, x) < 0)
                    return -1;
            }
        }
        for (int64_t i = 0; i < len; i++) {
            int32_t x = self->met[i];
            double cx = cost[side][x];
            for (int64_t k = indptr[x], e = indptr[x + 1]; k < e; k++) {
                int32_t y = indices[k];
                if (!SETTLED(side, y) || fabs(cost[side][y] + hop_w(self, k) - cx) > tol)
                    continue;
                if (hop_push(self, side ? x : y, side ? y : x, 0.0) < 0)
                    return -1;
                if (mk[side][y] < base + 1) {
                    mk[side][y] = base + 1;
                    if (met_push(self, &len, y) < 0)
                        return -1;
                }
            }
        }
    }
    /* fewest hops, then the smallest node at each step from s */
    m = self->hops_len;
    struct Hop *h = self->hops;
    qsort(h, (size_t)m, sizeof(*h), by_b);
    if (dag_hops(self, h, m, t, 1, self->mark2, base) < 0)
        return -1;
    qsort(h, (size_t)m, sizeof(*h), by_a);
    if (dag_hops(self, h, m, s, 0, self->mark, base) < 0)
        return -1;
    if (self->mark[t] < base + 2)
        return -2;
    uint64_t total = self->mark[t] - (base + 2);
    int64_t len = 0;
    int32_t x = s;
    double sum = 0.0;
    if (met_push(self, &len, s) < 0)
        return -1;
    for (uint64_t here = 0; here < total; here++) {
        int32_t best = -1;
        for (int64_t j = lower(h, m, x, 0); j < m && h[j].a == x; j++) {
            int32_t y = h[j].b;
            if (self->mark[y] == base + 2 + here + 1 && self->mark2[y] == base + 2 + total - here - 1
                && (best < 0 || y < best))
                best = y;
        }
        if (best < 0)
            return -2;
        /* the hop's slot in x's row (rows are ascending) */
        int64_t lo = indptr[x], hi = indptr[x + 1];
        while (lo < hi) {
            int64_t mid = (lo + hi) / 2;
            if (indices[mid] < best)
                lo = mid + 1;
            else
                hi = mid;
        }
        sum += hop_w(self, lo);
        x = best;
        if (met_push(self, &len, x) < 0)
            return -1;
    }
    *out_cost = sum;
    *plen = len;
    return 0;
}

#undef SETTLED

static PyObject *
Search_strongest_path(SearchObject *self, PyObject *args)
{
    long long s, t;
    if (!PyArg_ParseTuple(args, "LL", &s, &t))
        return NULL;
    if (!self->weight) {
        PyErr_SetString(PyExc_RuntimeError, "Search made without first_year, last_year, weight");
        return NULL;
    }
    if (check_node(self, s, "source") < 0 || check_node(self, t, "target") < 0)
        return NULL;
    if (s == t)
        return Py_BuildValue("(d[L])", 0.0, s);
    size_t n = (size_t)(self->n ? self->n : 1);
    for (int i = 0; i < 2; i++)
        if (!self->cost[i] && !(self->cost[i] = malloc(n * sizeof(double))))
            return PyErr_NoMemory();
    if (ensure_mark(self) < 0 || (!self->mark2 && !(self->mark2 = calloc(n, sizeof(uint64_t)))))
        return PyErr_NoMemory();
    double c = 0.0;
    int64_t len = 0;
    int rc;
    Py_BEGIN_ALLOW_THREADS
    rc = strongest(self, (int32_t)s, (int32_t)t, &c, &len);
    Py_END_ALLOW_THREADS
    if (rc == -1)
        return PyErr_NoMemory();
    if (rc == -2) {
        PyErr_SetString(PyExc_RuntimeError, "strongest path walk lost its way (a bug)");
        return NULL;
    }
    if (len == 0)
        Py_RETURN_NONE;
    PyObject *path = PyList_New(len);
    if (!path)
        return NULL;
    for (int64_t i = 0; i < len; i++) {
        PyObject *x = PyLong_FromLong(self->met[i]);
        if (!x) {
            Py_DECREF(path);
            return NULL;
        }
        PyList_SET_ITEM(path, i, x);
    }
    return Py_BuildValue("(dN)", c, path);
}

static PyMethodDef Search_methods[] = {
    {"strongest_path", (PyCFunction)Search_strongest_path, METH_VARARGS,
     "strongest_path(s, t) -> (cost, [s, ..., t]) minimising the sum of 1/papers, or None"},
    {"collaborators", (PyCFunction)Search_collaborators, METH_VARARGS,
     "collaborators(u, min_papers=1) -> [(node, papers, first_year, last_year, weight)], "
     "most papers, then latest year, then node index first"},
    {"distance", (PyCFunction)Search_distance, METH_VARARGS,
     "distance(s, t, max_length=-1) -> hops on a shortest chain, or None"},
    {"distance_count", (PyCFunction)Search_distance_count, METH_VARARGS,
     "distance_count(s, t, max_length=-1) -> (hops, chains), (None, 0) when unconnected; "
     "chains is None past 2**64"},
    {"distance_count_many", (PyCFunction)Search_distance_count_many, METH_VARARGS,
     "distance_count_many(sources, targets, lengths, counts, max_length=-1): int64 arrays; "
     "writes -1 lengths for unconnected pairs and -1 counts past 2**63"},
    {"shortest_path", (PyCFunction)Search_shortest_path, METH_VARARGS,
     "shortest_path(s, t, max_length=-1) -> [s, ..., t] by paths.shortest_path's rule, or None"},
    {"shortest_path_count", (PyCFunction)Search_shortest_path_count, METH_VARARGS,
     "shortest_path_count(s, t, max_length=-1) -> (hops, chains, [s, ..., t]) from one search, "
     "(None, 0, None) when unconnected; chains is None past 2**64"},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject SearchType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "graphsvc._native.Search",
    .tp_basicsize = sizeof(SearchObject),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "Search(indptr int64, indices int32, papers int32): bidirectional BFS over a CSR "
              "graph; one per thread",
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)Search_init,
    .tp_dealloc = (destructor)Search_dealloc,
    .tp_methods = Search_methods,
};

static PyMethodDef native_functions[] = {
    {"build_csr", native_build_csr, METH_VARARGS,
     "build_csr(n, paper_ptr, paper_members, paper_year, counted, in_window, alloc, "
     "files=False, base=None): CoauthorGraph.build's arrays, each made by alloc(name, length) "
     "(see _native_build.c)"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef native_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "graphsvc._native",
    .m_doc = "The unmasked bidirectional BFS and the CSR build in C (optional; see "
             "graphsvc.graph.native).",
    .m_size = -1,
    .m_methods = native_functions,
};

PyMODINIT_FUNC
PyInit__native(void)
{
    if (PyType_Ready(&SearchType) < 0)
        return NULL;
    PyObject *m = PyModule_Create(&native_module);
    if (!m)
        return NULL;
    if (PyModule_AddObjectRef(m, "Search", (PyObject *)&SearchType) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
