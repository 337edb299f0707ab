"""IATI, the standard funders publish aid data in: the partnership as an IATI 2.03 activity
(export), a partnership folder started from an activity (importer), and the official schema
and codelists they are checked against (data/, CC BY 4.0)."""
