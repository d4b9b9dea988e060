/* What the sources of graphsvc._native share (_native.c: the searches and the module;
 * _native_build.c: the CSR build). */
#ifndef GRAPHSVC_NATIVE_H
#define GRAPHSVC_NATIVE_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

/* A C-contiguous buffer of `itemsize`-byte items whose struct format letter is one of
 * `kinds`; a TypeError naming `what` otherwise. */
int get_array(PyObject *obj, Py_buffer *view, Py_ssize_t itemsize, const char *kinds,
              int writable, const char *what);

PyObject *native_build_csr(PyObject *module, PyObject *args);

#endif
