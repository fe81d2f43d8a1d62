try:
    from descentlab.cli import main
except KeyboardInterrupt:  # Ctrl-C while the libraries load: nothing ran, nothing to say
    raise SystemExit(130) from None

raise SystemExit(main())
