/* graphsvc._native: the unmasked bidirectional BFS of graphsvc.graph.bidirectional in C.
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
#define PY_SSIZE_T_CLEAN
#include <Python.h>
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
} SearchObject;

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

static int
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
        PyErr_Format(PyExc_TypeError, "%s: expected a contiguous array of %zd-byte integers, got "
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
static int
search(SearchObject *self, int64_t s, int64_t t, int64_t max_length, int mode, Outcome *out)
{
    const int64_t *indptr = self->indptr;
    const int32_t *indices = self->indices;
    uint64_t base = (++self->stamp) << 32;
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

static PyObject *
Search_distance(SearchObject *self, PyObject *args)
{
    long long s, t, max_length = -1;
    if (!PyArg_ParseTuple(args, "LL|L", &s, &t, &max_length))
        return NULL;
    if (check_node(self, s, "source") < 0 || check_node(self, t, "target") < 0)
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
    long long s, t, max_length = -1;
    if (!PyArg_ParseTuple(args, "LL|L", &s, &t, &max_length))
        return NULL;
    if (check_node(self, s, "source") < 0 || check_node(self, t, "target") < 0)
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

static PyObject *
Search_shortest_path(SearchObject *self, PyObject *args)
{
    long long s, t, max_length = -1;
    if (!PyArg_ParseTuple(args, "LL|L", &s, &t, &max_length))
        return NULL;
    if (check_node(self, s, "source") < 0 || check_node(self, t, "target") < 0)
        return NULL;
    if (ensure_mark(self) < 0)
        return PyErr_NoMemory();
    Outcome o;
    int rc;
    int32_t small[64], *path = small;
    Py_BEGIN_ALLOW_THREADS
    rc = search(self, s, t, max_length, MODE_LAYER, &o);
    if (rc == 0 && o.d >= 0) {
        if (o.d + 1 > 64 && !(path = malloc((size_t)(o.d + 1) * sizeof(int32_t))))
            rc = -1;
        else
            rc = walk_chain(self, s, &o, path);
    }
    Py_END_ALLOW_THREADS
    PyObject *out = NULL;
    if (rc == -1)
        PyErr_NoMemory();
    else if (rc == -2)
        PyErr_SetString(PyExc_RuntimeError, "shortest chain walk lost its way (a bug)");
    else if (o.d < 0)
        out = Py_NewRef(Py_None);
    else if ((out = PyList_New(o.d + 1))) {
        for (int64_t i = 0; i <= o.d; i++) {
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

static PyMethodDef Search_methods[] = {
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

static struct PyModuleDef native_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "graphsvc._native",
    .m_doc = "The unmasked bidirectional BFS in C (optional; see graphsvc.graph.native).",
    .m_size = -1,
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
