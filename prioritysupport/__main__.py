from prioritysupport.cli import main

main()
