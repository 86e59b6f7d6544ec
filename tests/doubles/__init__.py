"""TEST DOUBLES, not recordings: scripted stand-ins for an OpenAI-compatible server.

They make the cases a real model cannot be made to produce on demand (429, 500, timeouts,
truncated JSON, a model that disagrees with the rules while both pass). Recordings of real
exchanges live in tests/cassettes/ and are never mixed with these.
"""
