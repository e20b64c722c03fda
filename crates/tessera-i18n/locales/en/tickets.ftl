# Messages of this area (filled as its pages move onto the catalogs).
