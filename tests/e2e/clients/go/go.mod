module kashim.test/goclient

go 1.19
