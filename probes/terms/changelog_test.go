package terms

import (
	"strings"
	"testing"
)

func TestImportChangeLog(t *testing.T) {
	csv := "published,effective,title,id\n" +
		"2026-11-20,2026-11-23,商家保证金规则修订,deposit-7\n" +
		"2026年10月1日,2026年11月1日,Seller fee schedule,\n" +
		"2026-09-01,,Returns policy,\n"
	got, err := ImportChangeLog("exports/changes.csv", []byte(csv))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 {
		t.Fatalf("%+v", got)
	}
	if c := got[0]; c.NoticeDays == nil || *c.NoticeDays != 3 || c.ID != "deposit-7" || c.URL != "file:changes.csv" || c.Published != "2026-11-20" {
		t.Errorf("3-day notice: %+v", c)
	}
	if c := got[1]; c.NoticeDays == nil || *c.NoticeDays != 31 || c.ID == "" || c.Key == got[0].Key {
		t.Errorf("31-day notice: %+v", c)
	}
	if c := got[2]; c.NoticeDays != nil || c.Effective != "" {
		t.Errorf("undated effective: %+v", c)
	}
	for in, want := range map[string]string{
		"published,effective\n2026-11-20,next monday\n":            "changes.csv:2",
		"published,effective\n12026-11-20,2026-11-23\n":            "published",
		"published,effective\n2026-11-20,2026-11-200\n":            "effective",
		"published,effective\n2026-11-20,next monday 2026-11-23\n": "effective",
		"published,effective\n2026-11-20,2026-11-01\n":             "before the publication date",
		"title\nx\n": "published",
	} {
		_, err := ImportChangeLog("changes.csv", []byte(in))
		if err != nil && !strings.Contains(err.Error(), "changes.csv:") {
			t.Errorf("%q: error %v names no line", in, err)
		}
		if err == nil || !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%q: error %v, want one line with %q", in, err, want)
		}
	}
}
