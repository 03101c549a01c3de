"""python -m bench.sla"""

from bench.sla.run import main

main()
