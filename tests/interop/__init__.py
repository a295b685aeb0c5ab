"""Tests of civicshield.interop: imports into the contract and exports."""
