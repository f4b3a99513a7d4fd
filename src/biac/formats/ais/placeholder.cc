// TEMPORARY placeholder until the ais decoder lands; delete this file.
