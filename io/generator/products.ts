/**
 * The shop's product catalog, drawn once per seed, and local pricing.
 *
 * Prices are kept in USD in the catalog and converted to the visitor's currency with psychological rounding
 * (x.99, or whole yen), so purchase values look like real order totals in every currency.
 */
import { CATEGORIES, type CountryInfo } from './catalog';
import type { Product } from './event';
import { type Prng, Weighted } from './prng';

export interface CatalogProduct {
  readonly sku: string;
  readonly category: string;
  readonly priceUsd: number;
}

const PRODUCTS_PER_CATEGORY = 40;

export class ProductCatalog {
  readonly products: readonly CatalogProduct[];
  private readonly popularity: Weighted<CatalogProduct>;

  constructor(prng: Prng) {
    const products: CatalogProduct[] = [];
    const weights: Array<readonly [CatalogProduct, number]> = [];
    for (const category of CATEGORIES) {
      for (let i = 0; i < PRODUCTS_PER_CATEGORY; i++) {
        // Log-uniform prices: cheap items are common, expensive ones exist in every category.
        const logMin = Math.log(category.minUsd);
        const logMax = Math.log(category.maxUsd);
        const priceUsd = Math.exp(logMin + prng.float() * (logMax - logMin));
        const product: CatalogProduct = {
          sku: `${category.skuPrefix}-${String(10000 + i * 37 + prng.int(37)).padStart(5, '0')}`,
          category: category.name,
          priceUsd,
        };
        products.push(product);
        // Popularity: category weight × a Zipf-like rank within the category (a few best sellers).
        weights.push([product, category.weight / (i + 1)]);
      }
    }
    this.products = products;
    this.popularity = new Weighted(weights);
  }

  sample(prng: Prng): CatalogProduct {
    return this.popularity.sample(prng);
  }
}

/** Unit price in the country's currency: whole units minus one minor unit (19.99), or whole yen. */
export function localPrice(product: CatalogProduct, country: CountryInfo): number {
  const whole = Math.max(1, Math.round(product.priceUsd * country.fxPerUsd));
  return country.minorDigits === 0 ? whole : whole - 0.01;
}

export function toEventProduct(product: CatalogProduct, country: CountryInfo): Product {
  return { sku: product.sku, category: product.category, price: localPrice(product, country) };
}

/** Sum of unit prices rounded to the currency's minor unit (avoids 49.980000000000004). */
export function orderTotal(items: readonly Product[], minorDigits: number): number {
  const scale = 10 ** minorDigits;
  let minor = 0;
  for (const item of items) minor += Math.round(item.price * scale);
  return minor / scale;
}
