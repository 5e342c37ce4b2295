package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/platscan/platscan/fixtures"
)

// measure runs a command and reports its wall time, CPU time and peak
// resident memory (from the kernel's accounting of the child), on one
// line: "measure wall_s=... cpu_s=... peak_mib=... exit=...". The
// command's stdout is discarded unless -stdout names a file.
func measureCmd(args []string) error {
	fs := flag.NewFlagSet("measure", flag.ExitOnError)
	label := fs.String("label", "", "a name for the line")
	stdout := fs.String("stdout", os.DevNull, "write the command's output to `FILE`")
	fs.Parse(args)
	argv := fs.Args()
	if len(argv) == 0 {
		return fmt.Errorf("measure: no command")
	}
	out, err := os.Create(*stdout)
	if err != nil {
		return err
	}
	defer out.Close()
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stdout, cmd.Stderr = out, os.Stderr
	start := time.Now()
	err = cmd.Run()
	wall := time.Since(start)
	st := cmd.ProcessState
	if st == nil {
		return err
	}
	ru, _ := st.SysUsage().(*syscall.Rusage)
	peak := 0.0
	if ru != nil {
		peak = float64(ru.Maxrss) / 1024 // KiB on Linux
	}
	cpu := (st.UserTime() + st.SystemTime()).Seconds()
	fmt.Printf("measure %s wall_s=%.3f cpu_s=%.3f peak_mib=%.1f exit=%d\n", *label, wall.Seconds(), cpu, peak, st.ExitCode())
	return nil
}

// serve runs the Shopmart fixture on loopback and writes a pricing-only
// scan profile for it that fetches about -pages pages (product pages and
// their quotes, six personas), then serves until interrupted.
func serve(args []string) error {
	fs := flag.NewFlagSet("serve", flag.ExitOnError)
	pages := fs.Int("pages", 100000, "pages the profile's scan fetches, about")
	out := fs.String("profile", "", "write the scan profile to `FILE`")
	fs.Parse(args)
	srv, err := fixtures.Start(fixtures.Shopmart, "127.0.0.1:0")
	if err != nil {
		return err
	}
	defer srv.Close()
	const products, personas = 54, 6
	rounds := max(1, *pages/(products*personas*2))
	var ps []string
	for i := range products {
		ps = append(ps, fmt.Sprintf("/p/%d", 1001+i))
	}
	ua := `{User-Agent: "Mozilla/5.0 (X11; Linux x86_64)"}`
	prof := fmt.Sprintf(`# A pricing scan of about %d pages of the Shopmart fixture (bench/run).
platform: {name: Shopmart, base_url: %q, jurisdictions: [cn-bj, cn]}
first_party: {brands: [Shopmart Basics], sellers: [shopmart-self]}
personas:
  - {id: new_user, headers: %[3]s}
  - {id: control_a, control: true, headers: %[3]s}
  - {id: control_b, control: true, headers: %[3]s}
  - {id: loyal_user, headers: %[3]s, login: {url: /login, form: {username: loyal-member, password: demo-password}}}
  - {id: ios_user, headers: {User-Agent: "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X)"}}
  - {id: android_user, headers: {User-Agent: "Mozilla/5.0 (Linux; Android 15)"}}
pricing: {products: [%s], rounds: %d, reference: new_user, quote: "/api/quote?sku={sku}", opt_out: {disabled: true}}
limits: {rate: "off", allow_private: true, max_pages: 0}
`, products*personas*rounds*2, srv.URL, ua, strings.Join(ps, ", "), rounds)
	if err := os.MkdirAll(filepath.Dir(*out), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(*out, []byte(prof), 0o644); err != nil {
		return err
	}
	fmt.Printf("serve %s\n", srv.URL)
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	<-sig
	return nil
}
