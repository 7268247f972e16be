-- Issue 20: a person received by transfer is one person at the receiving station. The
-- request carries their ID number only as the county's keyed hash; the visitor this
-- station made when it accepted has no clear number until an officer types it. The intake
-- finds them by the hash of the number typed, through this index of the accepted
-- requests (a handful of rows: transfers are rare), without a scan of the requests' JSON.
CREATE INDEX transfer_in_by_person ON transfer_in(json_extract(request, '$.id_number_hmac'))
    WHERE status = 'accepted';
