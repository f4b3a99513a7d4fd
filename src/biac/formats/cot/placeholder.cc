// TEMPORARY placeholder until the cot decoder lands; delete this file.
