package interop

import (
	"strings"
	"testing"

	"github.com/platscan/platscan/fixtures"
	"github.com/platscan/platscan/measure"
	"github.com/platscan/platscan/probes/extract"
)

func order(t *testing.T, html string) Order {
	t.Helper()
	pg, err := extract.Read(html, "https://shop.test/cart/confirm", extract.Hints{Currency: "CNY"})
	if err != nil {
		t.Fatal(err)
	}
	return ReadOrder(pg)
}

func addOn(o Order, value string) (measure.AddOn, bool) {
	for _, a := range o.AddOns {
		if a.Value == value {
			return a, true
		}
	}
	return measure.AddOn{}, false
}

// A checkout that offers only the platform's wallet and pre-ticks paid
// shipping insurance; its add-on is named after shipping, but is no
// delivery option.
func TestOrderPreTickedPaidAddOn(t *testing.T) {
	o := order(t, `<html lang="zh-CN"><form method="post" action="/order">
	<fieldset class="payment"><legend>支付方式</legend><label><input type="radio" name="pm" value="shop-pay" checked> 闪购钱包</label></fieldset>
	<fieldset class="delivery"><legend>配送方式</legend><label><input type="radio" name="delivery" value="own-express" checked> 自营快递</label>
	  <label><input type="checkbox" name="shipping_insurance" value="1" checked> 运费险 ¥3.00</label></fieldset>
	<label><input type="checkbox" name="agree" checked> 我已阅读并同意《用户协议》</label>
	<div class="sku"><label><input type="radio" name="size" value="m" checked> M</label><label><input type="radio" name="size" value="l"> L</label></div>
	</form></html>`)
	if strings.Join(o.Payments, ",") != "shop-pay" || strings.Join(o.Deliveries, ",") != "own-express" || !o.PaymentOptions[0].Selected || o.PaymentOptions[0].Label != "闪购钱包" {
		t.Errorf("choices: %+v", o)
	}
	a, ok := addOn(o, "1")
	if !ok || !a.Selected || !a.Paid || a.Price == nil || *a.Price != 3 || a.Currency != "CNY" || a.Label != "运费险 ¥3.00" || !strings.Contains(a.Markup, `name="shipping_insurance"`) {
		t.Fatalf("insurance: %+v", a)
	}
	if len(o.AddOns) != 1 {
		t.Errorf("consent box or size picker taken for an add-on: %+v", o.AddOns)
	}
}

// The compliant twin: the same extra, not ticked; a free extra; a price
// in a data attribute; a select of warranties with a free default.
func TestOrderOptionalExtras(t *testing.T) {
	o := order(t, `<form>
	<label><input type="checkbox" name="addon_insurance" value="ins"> Shipping insurance ¥3</label>
	<label><input type="checkbox" name="gift_wrap" value="wrap" checked> Gift wrap (free)</label>
	<input type="checkbox" id="vip" name="membership" value="vip" data-price="19.90"><label for="vip">Join VIP</label>
	<select name="warranty_plan"><option value="none">No extended warranty</option><option value="2y">2 years +¥49</option></select>
	</form>`)
	want := map[string]struct {
		selected, paid bool
		price          float64
	}{"ins": {false, true, 3}, "wrap": {true, false, 0}, "vip": {false, true, 19.9}, "none": {true, false, 0}, "2y": {false, true, 49}}
	if len(o.AddOns) != len(want) {
		t.Fatalf("%d add-ons: %+v", len(o.AddOns), o.AddOns)
	}
	for v, w := range want {
		a, ok := addOn(o, v)
		if !ok || a.Selected != w.selected || a.Paid != w.paid || a.Price == nil || *a.Price != w.price {
			t.Errorf("%s: %+v, want %+v", v, a, w)
		}
	}
	if a, _ := addOn(o, "vip"); a.Label != "Join VIP" {
		t.Errorf("label for=: %q", a.Label)
	}
	if !(Order{}).Empty() || o.Empty() {
		t.Error("Empty")
	}
}

// The fixtures' checkouts: the same paid extra, pre-ticked at Shopmart
// only; Shopmart's single wallet and courier are pre-selected.
func TestCheckoutExtrasOnFixtures(t *testing.T) {
	_, shop, _ := gather(t, fixtures.Shopmart)
	if len(shop.AddOns) != 1 || !shop.AddOns[0].Selected || !shop.AddOns[0].Paid || *shop.AddOns[0].Price != 3 || shop.AddOns[0].Currency != "CNY" {
		t.Errorf("Shopmart extras: %+v", shop.AddOns)
	}
	if len(shop.PaymentOptions) != 1 || !shop.PaymentOptions[0].Selected || shop.OwnPayments != 1 || shop.OwnDeliveries != 1 {
		t.Errorf("Shopmart choices: %+v", shop)
	}
	_, fair, _ := gather(t, fixtures.Fairmarket)
	if len(fair.AddOns) != 1 || fair.AddOns[0].Selected || !fair.AddOns[0].Paid || len(fair.Payments) != 4 || len(fair.Deliveries) != 3 {
		t.Errorf("Fairmarket: %+v", fair)
	}
}

// A checkout option is the platform's own by its value or its label, as
// written, whatever the case and separators; a Latin name only as whole
// words.
func TestOwnChoice(t *testing.T) {
	fp := []string{"Bazaar Wallet", "集市钱包", "Shop Pay"}
	for _, c := range []struct {
		value, label string
		want         bool
	}{
		{"bazaar_wallet", "集市钱包 Bazaar Wallet", true},
		{"wallet", "集市钱包", true},
		{"bw", "Pay with Bazaar Wallet", true},
		{"shop-pay", "", true},
		{"alipay", "支付宝 Alipay", false},
		{"shoppay2", "ShopPayLater", false},
		{"unionpay", "银联云闪付 UnionPay", false},
	} {
		if got := own(measure.CheckoutChoice{Value: c.value, Label: c.label}, fp); got != c.want {
			t.Errorf("%q/%q: own %v, want %v", c.value, c.label, got, c.want)
		}
	}
}

// A script-drawn checkout: boxes and choices are elements with ARIA
// roles, their state in aria-checked. A ticked paid extra is read as
// ticked, an unticked one as unticked, a consent box as no extra, and a
// radio group named by aria-label as the payment choice.
func TestOrderARIAControls(t *testing.T) {
	o := order(t, `<html lang="zh-CN"><div id="app">
	<div role="radiogroup" aria-label="支付方式">
	  <div role="radio" aria-checked="true" data-value="fenpay">蜂付</div>
	  <div role="radio" aria-checked="false" data-value="alipay">支付宝</div></div>
	<div class="extras">
	  <span role="checkbox" aria-checked="true" id="svc-ins" aria-labelledby="ins-l"></span><span id="ins-l">退货运费险 ¥3.50</span>
	  <div role="switch" aria-checked="false" id="svc-vip">开通会员 ¥15/月</div>
	  <div role="checkbox" aria-checked="true" id="agree">我已阅读并同意《交易条款》</div>
	  <div class="svc"><span role="checkbox" aria-checked="true" data-price="69.00" id="svc-war"></span><input type="hidden" name="w" value="1y">
	    <span class="name">延保服务 1年</span> <span class="price">¥69.00</span><p class="desc">碎屏不保</p></div>
	  <div class="svc"><span role="checkbox" aria-checked="true" id="svc-bare"></span> 退货包运费 ¥2.00</div>
	  <div role="radio" aria-checked="true" data-value="stray">孤立选项</div>
	  <div class="tpl" style="display:none"><label><input type="checkbox" name="{{code}}" value="1" checked> {{name}}</label></div></div></div></html>`)
	if strings.Join(o.Payments, ",") != "fenpay,alipay" || !o.PaymentOptions[0].Selected || o.PaymentOptions[1].Selected || o.PaymentOptions[0].Label != "蜂付" {
		t.Errorf("payments: %+v", o.PaymentOptions)
	}
	ins, ok := addOn(o, "svc-ins")
	if !ok || !ins.Selected || !ins.Paid || ins.Price == nil || *ins.Price != 3.5 || ins.Label != "退货运费险 ¥3.50" {
		t.Errorf("ticked insurance: %+v", ins)
	}
	if vip, ok := addOn(o, "svc-vip"); !ok || vip.Selected || !vip.Paid {
		t.Errorf("unticked membership: %+v", vip)
	}
	if war, ok := addOn(o, "svc-war"); !ok || !war.Selected || !war.Paid || war.Label != "延保服务 1年 ¥69.00" {
		t.Errorf("drawn box named by the text after it: %+v", war)
	}
	if bare, ok := addOn(o, "svc-bare"); !ok || !bare.Paid || bare.Label != "退货包运费 ¥2.00" {
		t.Errorf("drawn box named by bare text: %+v", bare)
	}
	if _, ok := addOn(o, "agree"); ok || len(o.AddOns) != 4 {
		t.Errorf("consent box or row template read as an extra: %+v", o.AddOns)
	}
}
