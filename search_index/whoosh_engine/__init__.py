"""The Whoosh engine: an embedded index in a folder of one machine, written by one worker process.

Everything that knows Whoosh's segments, posting lists, merges and caches lives here; the rest of
Docflow sees only search_index.SearchEngine. Single-node: the folder is read by the web processes
of the machine it is on and written by one worker (SearchIndex.claim_writer refuses a second).
"""
from search_index.whoosh_engine import postings
from search_index.whoosh_engine.index import SearchIndex, WhooshBatch

postings.install()

__all__ = ["SearchIndex", "WhooshBatch"]
