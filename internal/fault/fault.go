// Package fault gives errors a kind where they are made, so that the one
// place that turns an error into an exit code (cmd/platscan's main) maps
// kinds, not messages. An error without a kind is internal.
package fault

import (
	"errors"
	"fmt"
)

// Kind says what sort of failure an error is.
type Kind int

// The kinds, each mapped to an exit code in docs/cli.md.
const (
	// KindInternal is a bug or an environment failure (disk full): the
	// default for errors nobody classified.
	KindInternal Kind = iota
	// KindInput is bad user input: a profile, policy, data, waiver or
	// import file, a run directory, flags.
	KindInput
	// KindIncomplete is a scan that could not finish: the target was
	// unreachable or stopped answering, or the scan was interrupted.
	KindIncomplete
	// KindPolicy is a policy that failed while judging: its obligations
	// are marked error; the others were judged.
	KindPolicy
)

func (k Kind) String() string {
	switch k {
	case KindInput:
		return "input"
	case KindIncomplete:
		return "incomplete"
	case KindPolicy:
		return "policy"
	}
	return "internal"
}

// Error is an error with a kind.
type Error struct {
	Kind Kind
	Err  error
}

func (e *Error) Error() string { return e.Err.Error() }

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

func wrap(k Kind, err error) error {
	if err == nil {
		return nil
	}
	var fe *Error
	if errors.As(err, &fe) && fe.Kind == k {
		return err
	}
	return &Error{Kind: k, Err: err}
}

// Input marks err as bad user input (nil stays nil).
func Input(err error) error { return wrap(KindInput, err) }

// Inputf formats a bad-input error.
func Inputf(format string, args ...any) error { return Input(fmt.Errorf(format, args...)) }

// Incomplete marks err as a scan that could not finish.
func Incomplete(err error) error { return wrap(KindIncomplete, err) }

// Policy marks err as a policy that failed while judging.
func Policy(err error) error { return wrap(KindPolicy, err) }

// Internal marks err as internal (the default; use it to stop an inner
// kind from showing through).
func Internal(err error) error { return wrap(KindInternal, err) }

// KindOf returns the kind of the outermost classified error in err's
// chain, KindInternal when there is none.
func KindOf(err error) Kind {
	var fe *Error
	if errors.As(err, &fe) {
		return fe.Kind
	}
	return KindInternal
}
