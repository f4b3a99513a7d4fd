// TEMPORARY placeholder until the gmti decoder lands; delete this file.
