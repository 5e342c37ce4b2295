package main

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"

	"github.com/urfave/cli/v2"

	"github.com/platscan/platscan/fixtures"
)

func fixturesCommand() *cli.Command {
	return &cli.Command{
		Name:  "fixtures",
		Usage: "the built-in fake platforms",
		Subcommands: []*cli.Command{{
			Name:  "serve",
			Usage: "serve Shopmart and Fairmarket, and their JavaScript storefronts, on loopback and write scan profiles for them",
			Flags: []cli.Flag{
				&cli.StringFlag{Name: "addr", Value: "127.0.0.1:8480", Usage: "Shopmart listens here, Fairmarket, Shopmart JS and Fairmarket JS on the next ports (port 0 picks free ports)"},
				&cli.StringFlag{Name: "out", Value: "platscan-fixtures", Usage: "write the profiles to `DIR`"},
			},
			Action: func(c *cli.Context) error {
				host, port, err := net.SplitHostPort(c.String("addr"))
				if err != nil {
					return inputErr(fmt.Errorf("--addr: %w", err))
				}
				p, err := strconv.Atoi(port)
				if err != nil {
					return inputErr(fmt.Errorf("--addr: bad port %q", port))
				}
				urls := map[string]string{}
				all := append(slices.Clone(fixtures.Variants), fixtures.JSVariants...)
				for i, v := range all {
					addr := net.JoinHostPort(host, "0")
					if p != 0 {
						addr = net.JoinHostPort(host, strconv.Itoa(p+i))
					}
					srv, err := fixtures.Start(v, addr)
					if err != nil {
						return scanErr(err)
					}
					defer srv.Close()
					urls[v.Slug] = srv.URL
				}
				out := c.String("out")
				if err := os.MkdirAll(out, 0o755); err != nil {
					return inputErr(err)
				}
				for _, v := range all {
					raw, err := fixtures.Profile(v, urls)
					if err != nil {
						return err
					}
					path := filepath.Join(out, v.Slug+".yaml")
					if err := os.WriteFile(path, raw, 0o644); err != nil {
						return inputErr(err)
					}
					fmt.Fprintf(c.App.Writer, "%-14s %s  profile: %s\n", v.Name, urls[v.Slug], path)
				}
				fmt.Fprintf(c.App.Writer, "Scan one with: platscan scan --profile %s\nPress Ctrl-C to stop.\n", filepath.Join(out, "shopmart.yaml"))
				<-c.Context.Done()
				return nil
			},
		}},
	}
}
