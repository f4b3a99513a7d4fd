// TEMPORARY placeholder until the adsb decoder lands; delete this file.
