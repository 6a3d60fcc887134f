"""The round trip of generated books: the customer-book layout that both the writer and the reader
use, reading a book back, verifying its fingerprints, importing it, and the passbook books."""
