"""The template's VBA project, written as source ([MS-OVBA]) into a compound file ([MS-CFB]).

``modules`` builds the module sources, ``project`` the vbaProject.bin streams, ``compression`` and
``cfb`` the two binary formats underneath. Nothing here needs Excel.
"""
