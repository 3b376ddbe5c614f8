"""Paper instances and protocols shared by claims and figure scripts, one module per paper."""
