// Command platscan checks online platforms against their legal duties:
// it probes a platform as several personas, keeps signed-ready,
// tamper-evident evidence, and judges it with Rego policies that cite the
// law. This package is wiring only; see the packages it imports.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/urfave/cli/v2"

	"github.com/platscan/platscan/internal/fault"
	_ "github.com/platscan/platscan/probes/all"
)

// version is the tool version written into every run's manifest.
const version = "0.1.0"

// Exit codes (docs/cli.md).
const (
	exitOK       = 0
	exitFindings = 1 // findings at or above --fail-on; verify found a problem; a policy test failed
	exitInput    = 2 // usage error or bad input file
	exitScan     = 3 // a scan that could not complete; an internal error
	exitPolicy   = 4 // a policy failed while judging (its obligations are "error"; the rest was judged)
)

// exitError carries the exit code an error should end the program with.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func inputErr(err error) error { return &exitError{code: exitInput, err: err} }
func scanErr(err error) error  { return &exitError{code: exitScan, err: err} }

// errFindings ends a command with exitFindings without printing anything
// more: the command has already reported why.
var errFindings = &exitError{code: exitFindings, err: errors.New("")}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run executes the CLI and returns the exit code; tests call it directly.
// Only here do errors become exit codes: by the kind the code that made
// the error gave it (internal/fault), or the explicit code of an
// exitError.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	app := newApp(stdout, stderr)
	started := false
	markStarted(app.Commands, &started)
	err := app.RunContext(ctx, interspersed(app, args))
	if err == nil {
		return exitOK
	}
	code := exitCode(err, started)
	if msg := err.Error(); msg != "" {
		if code == exitScan && fault.KindOf(err) == fault.KindInternal && !isExitError(err) {
			msg = "internal error: " + msg
		}
		fmt.Fprintf(stderr, "platscan: %s\n", msg)
	}
	return code
}

// exitCode maps an error to the documented exit code. An error nobody
// classified before a command started is a usage error (urfave/cli's flag
// parsing); after, it is internal.
func exitCode(err error, started bool) int {
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	switch fault.KindOf(err) {
	case fault.KindInput:
		return exitInput
	case fault.KindIncomplete:
		return exitScan
	case fault.KindPolicy:
		return exitPolicy
	}
	if !started {
		return exitInput
	}
	return exitScan
}

func isExitError(err error) bool {
	var ee *exitError
	return errors.As(err, &ee)
}

// markStarted makes every command set *started once its flags are parsed
// and it is about to run.
func markStarted(cmds []*cli.Command, started *bool) {
	for _, c := range cmds {
		prev := c.Before
		c.Before = func(ctx *cli.Context) error {
			*started = true
			if prev != nil {
				return prev(ctx)
			}
			return nil
		}
		markStarted(c.Subcommands, started)
	}
}

func newApp(stdout, stderr io.Writer) *cli.App {
	return &cli.App{
		Name:    "platscan",
		Usage:   "check online platforms against platform-economy law (Beijing DEPR, AML, E-Commerce Law, DMA, P2B, DSA)",
		Version: version,
		Writer:  stdout, ErrWriter: stderr,
		HideHelpCommand: true,
		// Errors go back to run, which alone picks the exit code.
		ExitErrHandler: func(*cli.Context, error) {},
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "verbose", Usage: "log every request to stderr"},
		},
		Commands: []*cli.Command{
			demoCommand(), scanCommand(), evalCommand(), reportCommand(), verifyCommand(),
			checkCommand(), rulesCommand(), policyCommand(), fixturesCommand(), keysCommand(), complaintCommand(),
		},
	}
}

func logger(c *cli.Context) *slog.Logger {
	level := slog.LevelWarn
	if c.Bool("verbose") {
		level = slog.LevelDebug
	}
	return slog.New(slog.NewTextHandler(c.App.ErrWriter, &slog.HandlerOptions{Level: level}))
}
