"""marshmallow schemas of the JSON API: what requests may carry and what answers hold.

They live only at the edge: they turn JSON into the plain values the application takes,
and the plain data it returns into JSON; the OpenAPI document is generated from them.
"""
