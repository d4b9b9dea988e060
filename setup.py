"""The optional C part of graphsvc (graphsvc/_native*.c): the rest of the build is pyproject.toml.

``optional=True``: on a machine without a C compiler the install still succeeds, and
``graphsvc.graph.native`` falls back to the pure-Python/numpy search.
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "graphsvc._native",
            sources=["graphsvc/_native.c", "graphsvc/_native_build.c"],
            depends=["graphsvc/_native.h"],
            extra_compile_args=["-O2"],
            optional=True,
        )
    ]
)
