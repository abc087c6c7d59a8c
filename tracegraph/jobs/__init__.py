"""The jobs: functions that join the libraries, called by the command line and the web app.

``load`` (files into the graph), ``detect`` (chains and fronts found and written back),
``maps`` (what a map shows), ``query`` (a canned question run), ``demo`` (the whole job on a
generated world). Each takes a connected ``graph.connection.Graph`` and plain arguments and
returns plain results; printing is the caller's.
"""
