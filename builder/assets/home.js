/* home search box: see issue */
