// TEMPORARY placeholder until the asterix decoder lands; delete this file.
