"""`make bench`: each module listed in MODULES has run(), which prints its own figures."""
