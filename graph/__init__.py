"""Everything that talks to Neo4j: schema, server management, connections, writes and reads."""


class GraphError(Exception):
    """Base of the graph package's errors; the message is one readable line."""
