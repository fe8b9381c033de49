"""What views call: one module per feature, one function per user action.

A service takes plain values (the session, the viewer, parsed input), asks ``data``, ``indexer``
and ``matcher``, commits when the action is done, and returns plain data for a template or a
schema. It raises the domain errors of :mod:`data.errors`; :mod:`web.errors` turns them into
HTTP answers. Views parse the request, call one service and render.
"""
