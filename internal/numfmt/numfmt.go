// Package numfmt prints measured numbers the one way platscan shows them,
// so the text report and a complaint letter never disagree on a figure.
//
// Rounding is half away from zero on the decimal a run stores: a median
// kept in findings.json as 546.155 prints as 546.16 at two places,
// although its nearest float64 lies a hair below (which is why printf's
// %.2f gives 546.15). The decimal is the shortest text that reads back as
// the same float64, the text encoding/json writes.
package numfmt

import (
	"encoding/json"
	"strconv"

	"github.com/shopspring/decimal"
)

// Decimal returns v as a decimal, or false when v is not a number. It
// takes the types a decoded findings.json holds (float64, json.Number),
// Go integers, and numeric strings.
func Decimal(v any) (decimal.Decimal, bool) {
	switch t := v.(type) {
	case float64:
		return decimal.NewFromFloat(t), true
	case float32:
		return decimal.NewFromFloat32(t), true
	case int:
		return decimal.NewFromInt(int64(t)), true
	case int64:
		return decimal.NewFromInt(t), true
	case json.Number:
		d, err := decimal.NewFromString(string(t))
		return d, err == nil
	case string:
		d, err := decimal.NewFromString(t)
		return d, err == nil
	}
	return decimal.Decimal{}, false
}

// Fixed prints v with exactly places decimals ("546.16", "5.0"). A value
// that is not a number prints as "–".
func Fixed(v any, places int) string {
	d, ok := Decimal(v)
	if !ok {
		return "–"
	}
	return d.Round(int32(places)).StringFixed(int32(places))
}

// Signed is Fixed with an explicit sign on positive values ("+5.0").
func Signed(v any, places int) string {
	d, ok := Decimal(v)
	if !ok {
		return "–"
	}
	s := d.Round(int32(places)).StringFixed(int32(places))
	if d.Round(int32(places)).IsPositive() {
		s = "+" + s
	}
	return s
}

// Short prints v rounded to at most places decimals with trailing zeros
// dropped ("0.53", "5", "0.002"), for figures inside a sentence.
func Short(v any, places int) string {
	d, ok := Decimal(v)
	if !ok {
		return "–"
	}
	return d.Round(int32(places)).String()
}

// P prints a p-value as the policies' summaries do: "< 0.0001" below
// that, otherwise rounded to four places ("0.002").
func P(v any) string {
	d, ok := Decimal(v)
	if !ok {
		return "–"
	}
	if d.LessThan(decimal.New(1, -4)) {
		return "< 0.0001"
	}
	return d.Round(4).String()
}

// Int prints a whole number, or "–".
func Int(v any) string {
	d, ok := Decimal(v)
	if !ok {
		return "–"
	}
	return strconv.FormatInt(d.Round(0).IntPart(), 10)
}
