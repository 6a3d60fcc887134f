import sys

from cvm_xl.cli import main

sys.exit(main())
