// TEMPORARY placeholder until the klv decoder lands; delete this file.
