"""The officials' reports (raportit): HOKSes whose study right is missing or ended in Koski,
workplace periods lacking part-time data, HOKSes without a workplace period, and a count summary
per organisation and qualification — paged and sorted in SQL, exported as streamed CSV."""
